//! GIFT import: each construct, each skip reason with its line, escapes,
//! and round trips through the real quiz parser and validator.

use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::content::fixtures::course_with;
use crate::content::{Diagnostic, QuestionBody, Quiz, SourceFile, parse_quiz};

const SAMPLE: &str = include_str!("../../../tests/fixtures/gift/sales-basics.gift");

const FRONT_MATTER: &str =
    "+++\npass_mark = 80\nattempts = 0\nshuffle = true\npartial = false\ndraw = 0\n+++\n";

fn run(gift: &str) -> Conversion {
    convert(gift, &ConvertOptions::default())
}

/// The questions part of the output (after the front matter).
fn body(gift: &str) -> String {
    let conversion = run(gift);
    assert!(
        conversion.skipped.is_empty(),
        "unexpected skips: {:?}",
        conversion.skipped
    );
    conversion
        .quiz_md
        .split_once("+++\n\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}

fn parse(markdown: &str) -> (Quiz, Vec<Diagnostic>) {
    let (quiz, diagnostics) = parse_quiz(&Arc::new(SourceFile::new(
        "content/modules/first/quiz.md",
        markdown,
    )));
    (quiz.expect("front matter"), diagnostics)
}

/// Parses with no diagnostic at all.
fn parse_clean(markdown: &str) -> Quiz {
    let (quiz, diagnostics) = parse(markdown);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{markdown}");
    quiz
}

/// Errors from the whole checker (parser and validator) with the quiz in a
/// small valid course.
fn check_errors(markdown: &str) -> Vec<Diagnostic> {
    let course = course_with(&[("modules/first/quiz.md", Some(markdown))]);
    course
        .check()
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

fn skipped(gift: &str) -> Vec<(usize, String)> {
    run(gift)
        .skipped
        .into_iter()
        .map(|skip| (skip.line, skip.reason))
        .collect()
}

/// The one skip, with its line; the reason must contain `needle`.
fn skip_line(gift: &str, needle: &str) -> usize {
    let skips = skipped(gift);
    assert_eq!(skips.len(), 1, "{skips:?}");
    assert!(skips[0].1.contains(needle), "{:?}", skips[0].1);
    skips[0].0
}

fn notes(gift: &str) -> Vec<(usize, String)> {
    run(gift)
        .notes
        .into_iter()
        .map(|note| (note.line, note.message))
        .collect()
}

fn option_texts(quiz: &Quiz, question: usize) -> Vec<(String, bool)> {
    match &quiz.questions[question].body {
        QuestionBody::Single(options) | QuestionBody::Multiple(options) => options
            .iter()
            .map(|option| (option.text.text.clone(), option.correct))
            .collect(),
        other => panic!("choice expected, got {other:?}"),
    }
}

// --- the sample file -------------------------------------------------------

#[test]
fn the_sample_converts_with_the_expected_report() {
    let conversion = run(SAMPLE);

    assert_eq!(
        conversion.counts,
        Counts {
            questions: 11,
            single: 5,
            multiple: 2,
            order: 1,
            text: 3,
            skipped: 4,
            wrong_options_without_feedback: 0,
            questions_without_explanation: 5,
        }
    );
    let skips: Vec<(usize, &str)> = conversion
        .skipped
        .iter()
        .map(|skip| (skip.line, skip.title_or_start.as_str()))
        .collect();
    assert_eq!(
        skips,
        [
            (59, "Discount range"),
            (61, "Role match"),
            (67, "Reflection"),
            (69, "Remember: every question in this bank is about a r..."),
        ]
    );
    let note_lines: Vec<usize> = conversion.notes.iter().map(|note| note.line).collect();
    assert_eq!(note_lines, [6, 22, 31, 57]);
    assert!(conversion.quiz_md.contains("partial = true"));
}

#[test]
fn the_sample_passes_the_quiz_checker() {
    let conversion = run(SAMPLE);

    let quiz = parse_clean(&conversion.quiz_md);
    assert!(check_errors(&conversion.quiz_md).is_empty());
    let ids: Vec<&str> = quiz.questions.iter().map(|q| q.id.value.as_str()).collect();
    assert_eq!(
        ids,
        [
            "price-too-high",
            "smart-parts",
            "discovery-weights",
            "discount-first",
            "fab",
            "objection-steps",
            "closing-question",
            "pipeline-stages",
            "follow-up-days",
            "escapes",
            "win-rate",
        ]
    );
    let kinds: Vec<&str> = quiz.questions.iter().map(|q| q.kind().as_str()).collect();
    assert_eq!(
        kinds,
        [
            "single", "multiple", "multiple", "single", "text", "order", "single", "text", "text",
            "single", "single"
        ]
    );
    assert!(quiz.settings.partial.value);
}

#[test]
fn the_sample_keeps_escaped_and_markdown_characters_as_text() {
    let quiz = parse_clean(&run(SAMPLE).quiz_md);

    let escapes = &quiz.questions[9];
    assert_eq!(
        escapes.prompt.text,
        "Which sentence is written correctly in a proposal for 1: 1 \\{coaching\\}?"
    );
    assert_eq!(
        option_texts(&quiz, 9),
        [
            ("Price: 100 EUR = 1 session".to_string(), true),
            ("Price: 100 EUR \\~ 1 session".to_string(), false),
            ("&#35; Heading \\[ \\] \\> quote".to_string(), false),
        ]
    );
    let QuestionBody::Single(win_rate) = &quiz.questions[10].body else {
        panic!("single expected");
    };
    assert_eq!(
        win_rate[1].feedback.as_ref().map(|f| f.text.as_str()),
        Some("Right: 20 / 80 = 0.25.")
    );
}

// --- reading the file ------------------------------------------------------

#[test]
fn comments_are_ignored_and_blank_lines_separate_questions() {
    let gift = "// a comment\n::A::Q1?{=a ~b}\n\n\n// another\n::B::Q2?\n// inside\n{=c ~d}\n";

    let conversion = run(gift);

    assert_eq!(conversion.questions(), 2);
    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(quiz.questions[1].prompt.text, "Q2?");
    assert_eq!(option_texts(&quiz, 1)[0], ("c".to_string(), true));
}

#[test]
fn line_numbers_count_comments_and_survive_crlf_and_a_bom() {
    let gift = "\u{FEFF}// c\r\n::A::Q?{=a ~b}\r\n\r\n// c\r\n\r\n::E::Essay{}\r\n";

    assert_eq!(skip_line(gift, "essay"), 6);
    assert_eq!(run(gift).questions(), 1);
}

#[test]
fn categories_are_reported_and_a_question_right_under_one_is_kept() {
    let gift = "$CATEGORY: top/Sales\n\n$CATEGORY: top/Other\n::Q::Q?{=a ~b}\n";

    let conversion = run(gift);

    let notes: Vec<(usize, &str)> = conversion
        .notes
        .iter()
        .map(|note| (note.line, note.title_or_start.as_str()))
        .collect();
    assert_eq!(
        notes,
        [(1, "$CATEGORY: top/Sales"), (3, "$CATEGORY: top/Other")]
    );
    assert!(conversion.notes[0].message.contains("ignored"));
    assert_eq!(conversion.questions(), 1);
}

#[test]
fn an_empty_file_gives_a_quiz_without_questions() {
    let conversion = run("// nothing here\n\n");

    assert_eq!(conversion.questions(), 0);
    assert_eq!(conversion.quiz_md, FRONT_MATTER);
    assert!(conversion.skipped.is_empty());
}

// --- escapes ---------------------------------------------------------------

#[test]
fn every_gift_escape_is_honoured() {
    let gift = r"Cost \{net\} \: 10 \= ten \# \~ \\ done?{=A \~ B \= C \# D#why \: \{ok\} ~other####General \= fine}";

    let quiz = parse_clean(&run(gift).quiz_md);

    let question = &quiz.questions[0];
    assert_eq!(
        question.prompt.text,
        r"Cost \{net\} : 10 = ten \# \~ \\ done?"
    );
    let QuestionBody::Single(options) = &question.body else {
        panic!("single expected");
    };
    assert_eq!(options.len(), 2);
    assert_eq!(options[0].text.text, r"A \~ B = C \# D");
    assert_eq!(
        options[0].feedback.as_ref().map(|f| f.text.as_str()),
        Some(r"why : \{ok\}")
    );
    assert_eq!(
        question.explanation.as_ref().map(|e| e.text.as_str()),
        Some("General = fine")
    );
}

#[test]
fn an_escaped_tilde_does_not_make_a_multiple_choice() {
    // `\~` is text, so this is a short answer, not a choice.
    let quiz = parse_clean(&run(r"About how many?{=\~5}").quiz_md);

    let QuestionBody::Text(answers) = &quiz.questions[0].body else {
        panic!("text expected");
    };
    assert_eq!(answers[0].text, "~5");
}

#[test]
fn backslash_n_is_a_line_break() {
    let body = body(r"First line\nsecond line{=a ~b}");

    assert!(
        body.starts_with("## First line {#q1}\n\nsecond line\n\n"),
        "{body}"
    );
}

// --- titles and ids --------------------------------------------------------

#[test]
fn titles_make_unique_kebab_ids_with_a_numbered_fallback() {
    let gift = "::Price Objection!::A?{=a ~b}\n\n::Price objection::B?{=a ~b}\n\nC?{=a ~b}\n\n::Première réponse::D?{=a ~b}\n\n::价格异议::E?{=a ~b}\n\n::q3::F?{=a ~b}\n";

    let quiz = parse_clean(&run(gift).quiz_md);

    let ids: Vec<&str> = quiz.questions.iter().map(|q| q.id.value.as_str()).collect();
    assert_eq!(
        ids,
        [
            "price-objection",
            "price-objection-2",
            "q3",
            "premiere-reponse",
            "q5",
            "q3-2"
        ]
    );
}

#[test]
fn long_titles_are_cut_at_a_word() {
    let gift = "::What to do when the buyer says the competitor is much cheaper than us::Q?{=a ~b}";

    let quiz = parse_clean(&run(gift).quiz_md);

    assert_eq!(
        quiz.questions[0].id.value,
        "what-to-do-when-the-buyer-says-the"
    );
}

#[test]
fn a_question_without_text_uses_its_title_as_prompt() {
    assert!(
        body("::Pick the right one::{=a ~b}")
            .starts_with("## Pick the right one {#pick-the-right-one}\n")
    );
}

#[test]
fn an_empty_title_counts_as_none() {
    assert!(body("::::Pick one.{=a ~b}").starts_with("## Pick one. {#q1}\n"));
    assert_eq!(skip_line(":: ::{=a ~b}", "has no text"), 1);
}

#[test]
fn a_skipped_question_has_no_notes() {
    let conversion = run("Pick.{~%70%a ~%30%a}");

    assert_eq!(conversion.skipped.len(), 1);
    assert!(conversion.notes.is_empty());
}

#[test]
fn an_unclosed_title_is_read_as_text_and_noted() {
    let conversion = run("::Oops Q?{=a ~b}");

    assert!(conversion.quiz_md.contains("## Oops Q? {#q1}"));
    assert_eq!(conversion.notes.len(), 1);
    assert!(conversion.notes[0].message.contains("never closed"));
}

// --- multiple choice -------------------------------------------------------

#[test]
fn multiple_choice_with_feedback_and_explanation() {
    let gift = "::Ask first::The buyer says no. What now?{\n~Leave#Too early.\n=Ask why#Right.\n~Discount\n####Ask before you act.\n}";

    assert_eq!(
        body(gift),
        "## The buyer says no. What now? {#ask-first}\n\n\
         - [ ] Leave\n  > Too early.\n\
         - [x] Ask why\n  > Right.\n\
         - [ ] Discount\n\n\
         Ask before you act.\n"
    );
    assert_eq!(run(gift).counts.wrong_options_without_feedback, 1);
}

#[test]
fn multiple_answers_with_equal_weights_make_a_partial_credit_multiple_select() {
    let gift = "Pick the SMART parts.{~%50%Measurable ~%50%Dated ~%-100%Catchy}";

    let conversion = run(gift);

    assert!(conversion.notes.is_empty(), "{:?}", conversion.notes);
    assert!(conversion.quiz_md.contains("partial = true"));
    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(quiz.questions[0].kind().as_str(), "multiple");
    assert_eq!(
        option_texts(&quiz, 0),
        [
            ("Measurable".to_string(), true),
            ("Dated".to_string(), true),
            ("Catchy".to_string(), false)
        ]
    );
}

#[test]
fn unequal_weights_are_reported() {
    let gift = "// c\nPick.{~%70%a ~%30%b ~%-100%c}";

    assert_eq!(
        notes(gift),
        [(
            2,
            "the right answers have unequal weights (70%, 30%); Sales Dojo gives each right option an equal share of the credit".to_string()
        )]
    );
}

#[test]
fn decimal_weights_that_round_equal_are_not_reported() {
    assert!(notes("Pick.{~%33.333%a ~%33.333%b ~%33.334%c ~%-100%d}").is_empty());
}

#[test]
fn a_partial_credit_option_of_a_one_answer_question_counts_as_wrong() {
    let conversion = run("Pick.{=best ~%50%good ~bad}");

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(
        option_texts(&quiz, 0),
        [
            ("best".to_string(), true),
            ("good".to_string(), false),
            ("bad".to_string(), false)
        ]
    );
    assert!(conversion.notes[0].message.contains("earned 50% in Moodle"));
    assert!(conversion.quiz_md.contains("partial = false"));
}

#[test]
fn two_fully_right_answers_become_select_all_with_a_note() {
    let conversion = run("Pick.{=a =b ~c}");

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(quiz.questions[0].kind().as_str(), "multiple");
    assert!(conversion.notes[0].message.contains("must select all"));
    assert!(conversion.quiz_md.contains("partial = false"));
}

#[test]
fn a_percent_that_is_not_a_weight_is_option_text() {
    let quiz = parse_clean(&run("Margin?{=% of revenue ~%abc%x}").quiz_md);

    assert_eq!(
        option_texts(&quiz, 0),
        [
            ("% of revenue".to_string(), true),
            ("%abc%x".to_string(), false)
        ]
    );
}

#[test]
fn choice_questions_that_cannot_be_answered_are_skipped_with_their_line() {
    assert_eq!(
        skip_line("::A::Q?{=a}\n\n\n::B::Q?{~a}", "at least two answers"),
        4
    );
    assert_eq!(skip_line("\n\nQ?{~a ~b}", "no answer is marked right"), 3);
    assert_eq!(skip_line("Q?{~%-50%a ~b}", "no answer is marked right"), 1);
    assert_eq!(skip_line("Q?{oops =a ~b}", "text `oops` comes before"), 1);
    assert_eq!(skip_line("Q?{=a ~ ~b}", "answer 2 is empty"), 1);
    assert_eq!(
        skip_line("Q?{=Ask ~ask  ~b}", "answers 1 and 2 have the same text"),
        1
    );
}

#[test]
fn markdown_characters_in_options_cannot_break_the_quiz() {
    let gift = r"Q?{=\# not a heading ~[ ] not a box ~> not a quote ~- not a list ~1. not a list ~<b>bold</b> <script>x</script> ~*stars* _under_ `code` | pipe & amp; ~!\[img\](x.png) ~C\# [link](u) ~a\\b}";

    let conversion = run(gift);

    let quiz = parse_clean(&conversion.quiz_md);
    let QuestionBody::Single(options) = &quiz.questions[0].body else {
        panic!("single expected");
    };
    assert_eq!(options.len(), 10);
    assert!(options.iter().all(|option| option.feedback.is_none()));
    assert_eq!(options[0].text.text, "&#35; not a heading");
    assert_eq!(options[3].text.text, "&#45; not a list");
    assert_eq!(options[4].text.text, r"1\. not a list");
    assert_eq!(options[5].text.text, "**bold**");
    assert!(check_errors(&conversion.quiz_md).is_empty());
}

// --- true/false ------------------------------------------------------------

#[test]
fn true_false_becomes_a_single_choice_with_feedback_on_each_option() {
    let gift = "Discounts build trust.{FALSE#Wrong: it signals padding.#Right: trade, never give.####Concessions must buy something.}";

    assert_eq!(
        body(gift),
        "## Discounts build trust. {#q1}\n\n\
         - [ ] True\n  > Wrong: it signals padding.\n\
         - [x] False\n  > Right: trade, never give.\n\n\
         Concessions must buy something.\n"
    );
}

#[test]
fn true_false_accepts_every_spelling() {
    for (answer, true_is_right) in [("T", true), ("TRUE", true), ("F", false), ("false", false)] {
        let quiz = parse_clean(&run(&format!("Statement.{{{answer}}}")).quiz_md);
        assert_eq!(
            option_texts(&quiz, 0),
            [
                ("True".to_string(), true_is_right),
                ("False".to_string(), !true_is_right)
            ],
            "{answer}"
        );
    }
}

#[test]
fn true_false_labels_follow_the_language() {
    let conversion = convert("陈述。{T}", &ConvertOptions::for_language(Some("zh-CN")));

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(
        option_texts(&quiz, 0),
        [("正确".to_string(), true), ("错误".to_string(), false)]
    );
}

#[test]
fn true_false_inside_a_sentence_is_skipped() {
    assert_eq!(skip_line("The sun {T} rises.", "middle of a sentence"), 1);
}

#[test]
fn true_false_followed_by_a_full_stop_keeps_the_statement() {
    assert!(
        body("Price is all that matters {F}.").starts_with("## Price is all that matters. {#q1}\n")
    );
}

#[test]
fn traditional_chinese_gets_its_own_labels() {
    let options = ConvertOptions::for_language(Some("zh-TW"));

    assert_eq!(
        (options.true_label.as_str(), options.false_label.as_str()),
        ("正確", "錯誤")
    );
    assert_eq!(
        ConvertOptions::for_language(Some("de")),
        ConvertOptions::default()
    );
}

// --- short answer ----------------------------------------------------------

#[test]
fn short_answer_becomes_a_text_question() {
    let gift = "Name the acronym.{=FAB#Right: feature, advantage, benefit. =F-A-B =fab}";

    assert_eq!(
        body(gift),
        "## Name the acronym. {#q1 type=text}\n\n\
         - [x] FAB\n\
         - [x] F-A-B\n\n\
         Right: feature, advantage, benefit.\n"
    );
    let quiz = parse_clean(&run(gift).quiz_md);
    let QuestionBody::Text(answers) = &quiz.questions[0].body else {
        panic!("text expected");
    };
    let answers: Vec<&str> = answers.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(answers, ["FAB", "F-A-B"]);
}

#[test]
fn a_short_answer_without_equals_sign_is_accepted_as_moodle_does() {
    assert!(body("Who decides?{Economic buyer}").contains("- [x] Economic buyer\n"));
}

#[test]
fn partial_and_wrong_short_answers_are_left_out_with_notes() {
    let conversion = run("Acronym?{=FAB =%50%FBA =%0%ABC#No. =*fab*}");

    assert!(
        conversion
            .quiz_md
            .contains("- [x] FAB\n- [x] &#42;fab\\*\n")
    );
    assert!(!conversion.quiz_md.contains("FBA"));
    let messages: Vec<String> = conversion.notes.into_iter().map(|n| n.message).collect();
    assert_eq!(messages.len(), 3);
    assert!(messages[0].contains("\"FBA\" earned 50%"));
    assert!(messages[1].contains("\"ABC\" was a wrong answer"));
    assert!(messages[2].contains("wildcard"));
}

#[test]
fn a_short_answer_with_no_full_credit_answer_is_skipped() {
    assert_eq!(skip_line("Q?{=%50%half}", "no accepted answer"), 1);
}

#[test]
fn a_missing_word_short_answer_gets_a_blank() {
    assert!(
        body("The {=BANT} checks cover budget.")
            .starts_with("## The ___ checks cover budget. {#q1 type=text}\n")
    );
}

// --- missing word ----------------------------------------------------------

#[test]
fn a_missing_word_choice_puts_a_blank_in_the_prompt() {
    let gift = "An assumptive close offers {=a choice ~a yes/no question} to the buyer.";

    let quiz = parse_clean(&run(gift).quiz_md);

    assert_eq!(
        quiz.questions[0].prompt.text,
        "An assumptive close offers ___ to the buyer."
    );
}

#[test]
fn a_blank_alone_on_a_line_is_not_a_thematic_break() {
    let body = body("Fill in:\n{=a ~b}\nis the answer.");

    assert!(body.contains("\n\n\\___\nis the answer.\n"), "{body}");
    parse_clean(&run("Fill in:\n{=a ~b}\nis the answer.").quiz_md);
}

// --- matching --------------------------------------------------------------

#[test]
fn matching_with_positions_becomes_an_ordering_in_that_order() {
    let gift = "Order the steps.{=Confirm -> 2 =Listen -> 1 =Check -> 4th =Respond -> three}";

    assert_eq!(
        body(gift),
        "## Order the steps. {#q1 type=order}\n\n\
         1. Listen\n2. Confirm\n3. Respond\n4. Check\n"
    );
}

#[test]
fn matching_with_chinese_positions_becomes_an_ordering() {
    let quiz = parse_clean(&run("排序。{=确认 -> 第二步 =倾听 -> 第一步 =回应 -> 第三步}").quiz_md);

    let QuestionBody::Order(steps) = &quiz.questions[0].body else {
        panic!("order expected");
    };
    let steps: Vec<&str> = steps.iter().map(|s| s.text.text.as_str()).collect();
    assert_eq!(steps, ["倾听", "确认", "回应"]);
}

#[test]
fn matching_that_is_not_an_ordering_is_skipped() {
    let not_order = "right-hand sides are the positions 1, 2, 3";
    assert_eq!(
        skip_line("// c\n::M::Match.{=Buyer -> ROI =User -> Ease}", not_order),
        2
    );
    assert_eq!(skip_line("Order.{=a -> 1 =b -> 3}", not_order), 1);
    assert_eq!(skip_line("Order.{=a -> 1 =b -> 1}", not_order), 1);
    assert_eq!(
        skip_line("Order.{=a -> 1 =b -> 2 = -> 3}", "extra answer `= -> 3`"),
        1
    );
    assert_eq!(skip_line("Order.{=a -> 1}", "at least two steps"), 1);
}

// --- numerical -------------------------------------------------------------

#[test]
fn an_exact_number_becomes_a_text_question() {
    let conversion = run("Days?{#2#Two days.}\n\nExact?{#5:0}\n\nRange?{#7..7}");

    let quiz = parse_clean(&conversion.quiz_md);
    let answers: Vec<String> = quiz
        .questions
        .iter()
        .map(|question| match &question.body {
            QuestionBody::Text(answers) => answers[0].text.clone(),
            other => panic!("text expected, got {other:?}"),
        })
        .collect();
    assert_eq!(answers, ["2", "5", "7"]);
    assert_eq!(
        quiz.questions[0]
            .explanation
            .as_ref()
            .map(|e| e.text.as_str()),
        Some("Two days.")
    );
    assert!(conversion.notes[0].message.contains("exactly as listed"));
}

#[test]
fn numerical_answers_with_several_values_keep_the_full_credit_ones() {
    let conversion = run("Year?{#=1999 =%50%2000}");

    assert!(conversion.quiz_md.contains("- [x] 1999\n"));
    assert!(!conversion.quiz_md.contains("2000\n"));
}

#[test]
fn a_tolerance_or_range_is_skipped() {
    assert_eq!(skip_line("Q?{#3:1}", "tolerance or range"), 1);
    assert_eq!(skip_line("Q?{#1..5}", "tolerance or range"), 1);
    assert_eq!(
        skip_line("Q?{#many}", "tolerance or range (or is not a number)"),
        1
    );
}

// --- what is skipped -------------------------------------------------------

#[test]
fn essays_and_descriptions_are_skipped() {
    let gift =
        "::Essay::Describe a lost deal.{}\n\n::Note::Just some text.\n\n::E2::Why?{####general}";

    let skips = skipped(gift);

    assert_eq!(skips.len(), 3);
    assert_eq!(skips[0].0, 1);
    assert!(skips[0].1.contains("essay"));
    assert_eq!(skips[1].0, 3);
    assert!(skips[1].1.contains("description"));
    assert_eq!(skips[2].0, 5);
    assert_eq!(run(gift).skipped[1].title_or_start, "Note");
}

#[test]
fn broken_braces_are_skipped_with_what_to_fix() {
    assert_eq!(skip_line("Q?{=a ~b", "never closed"), 1);
    assert_eq!(skip_line("\nQ?=a ~b}", "without an opening"), 2);
    assert_eq!(skip_line("Q} {=a ~b}", "comes before"), 1);
    assert_eq!(
        skip_line("Q {=a ~b} and {=c ~d}", "more than one answer block"),
        1
    );
}

#[test]
fn the_start_of_an_untitled_question_names_it() {
    let conversion = run("Which of these questions belongs in discovery and which in the close?{}");

    assert_eq!(
        conversion.skipped[0].title_or_start,
        "Which of these questions belongs in discovery and..."
    );
}

// --- formats ---------------------------------------------------------------

#[test]
fn html_is_reduced_to_markdown_and_complex_html_is_noted() {
    let gift = "[html]<p>Read <b>this</b> and <em>that</em>&nbsp;&amp; <a href=\"x\">more</a>.</p><p>Then <img src=\"a.png\"> answer.</p>{=<strong> yes </strong>#<i>good</i> ~no}";

    let conversion = run(gift);

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(
        quiz.questions[0].prompt.text,
        "Read **this** and *that* \\& more.\n\nThen answer."
    );
    assert_eq!(option_texts(&quiz, 0)[0], ("**yes**".to_string(), true));
    assert_eq!(conversion.notes.len(), 1);
    assert!(conversion.notes[0].message.contains("HTML <a>, <img>"));
}

#[test]
fn moodle_format_keeps_angle_brackets_that_are_not_html() {
    let quiz = parse_clean(&run("Fill in <customer name> here.{=a ~b}").quiz_md);

    assert_eq!(
        quiz.questions[0].prompt.text,
        r"Fill in \<customer name\> here."
    );
    assert!(run("Fill in <customer name> here.{=a ~b}").notes.is_empty());
}

#[test]
fn moodle_format_reads_simple_html() {
    let quiz = parse_clean(&run("A <b>bold</b> claim<br>on two lines.{=a ~b}").quiz_md);

    assert_eq!(
        quiz.questions[0].prompt.text,
        "A **bold** claim\n\non two lines."
    );
}

#[test]
fn plain_format_keeps_html_as_text() {
    let quiz = parse_clean(&run("[plain]Is <b> a tag?{=yes ~no}").quiz_md);

    assert_eq!(quiz.questions[0].prompt.text, r"Is \<b\> a tag?");
}

#[test]
fn markdown_format_passes_through_but_cannot_break_the_structure() {
    let gift =
        "[markdown]Read **this**.\\n# Not a title\\n- not an option\\n---\\n> quoted{=*yes* ~no}";

    let conversion = run(gift);

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(quiz.questions.len(), 1);
    assert_eq!(
        quiz.questions[0].prompt.text,
        "Read **this**.\n\n\\# Not a title\n\\- not an option\n\\---\n\\> quoted"
    );
    assert_eq!(option_texts(&quiz, 0)[0], ("*yes*".to_string(), true));
}

#[test]
fn markdown_explanations_keep_lists_but_not_headings() {
    let gift =
        "[markdown]Q?{=a ~b####- first point\\n- second\\n\\n## Not a question\\n```\\nopen fence}";

    let conversion = run(gift);

    let quiz = parse_clean(&conversion.quiz_md);
    assert_eq!(quiz.questions.len(), 1);
    assert_eq!(
        quiz.questions[0]
            .explanation
            .as_ref()
            .map(|e| e.text.as_str()),
        Some("\\- first point\n- second\n\n\\## Not a question\n```\nopen fence\n```")
    );
}

#[test]
fn an_answer_can_override_the_question_format() {
    let quiz = parse_clean(&run("[markdown]Q?{=[plain]*literal* ~*emphasis*}").quiz_md);

    assert_eq!(
        option_texts(&quiz, 0),
        [
            (r"&#42;literal\*".to_string(), true),
            ("*emphasis*".to_string(), false)
        ]
    );
}

#[test]
fn headings_keep_a_trailing_hash() {
    assert!(
        body("[markdown]Which language is C#{=a ~b}")
            .starts_with("## Which language is C\\# {#q1}")
    );
}

// --- properties ------------------------------------------------------------

/// Pieces of GIFT syntax, so random files reach every branch of the reader.
fn gift_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("::T::".to_string()),
        Just("::".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("=".to_string()),
        Just("~".to_string()),
        Just("#".to_string()),
        Just("####".to_string()),
        Just("->".to_string()),
        Just("%50%".to_string()),
        Just("%-100%".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("// c\n".to_string()),
        Just("$CATEGORY: x\n".to_string()),
        Just("[html]".to_string()),
        Just("[markdown]".to_string()),
        Just("[plain]".to_string()),
        Just("<b>".to_string()),
        Just("</b>".to_string()),
        Just("<p>".to_string()),
        Just("&amp;".to_string()),
        Just("TRUE".to_string()),
        Just("1".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just(" ".to_string()),
        "[a-z ]{0,6}",
        "[\\[\\]{}#*>`\\-+=.:~<>!|_ \n\\\\]{0,8}",
        "\\PC{0,6}",
    ]
}

fn gift_file() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(gift_piece(), 0..40).prop_map(|pieces| pieces.concat()),
        prop::collection::vec(gift_question(), 1..5).prop_map(|questions| questions.join("\n\n")),
    ]
}

/// Text with every character that means something to GIFT or Markdown.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,8}",
        "[a-z]{1,3}[\\[\\]#*>`\\-+=.:~<>!|_&;()$%^ \\\\]{1,6}[a-z]{0,3}",
        "[#>\\-+*0-9.)\\[\\] <`~_=|]{1,5} ?[a-z]{1,4}",
        "\\PC{1,8}",
        Just("<b>x</b>".to_string()),
        Just("<pre>".to_string()),
        Just("<!-- c".to_string()),
        Just("&lt;p&gt;".to_string()),
        Just("\\n- item\\n".to_string()),
        Just("\\n---\\n".to_string()),
        Just("\\n## h\\n".to_string()),
        Just("\\n```\\n".to_string()),
        Just("\\n1. one\\n".to_string()),
        Just("\\n> q\\n".to_string()),
        Just("\\{ \\} \\~ \\= \\# \\: \\\\".to_string()),
    ]
}

/// A question-shaped GIFT item: title, format, text, answers, feedback.
fn gift_question() -> impl Strategy<Value = String> {
    let answer = (
        prop_oneof![
            Just("="),
            Just("~"),
            Just("~%50%"),
            Just("~%-100%"),
            Just("=%50%")
        ],
        hostile_text(),
        prop::option::of(hostile_text()),
    )
        .prop_map(|(marker, text, feedback)| match feedback {
            Some(feedback) => format!("{marker}{text}#{feedback}"),
            None => format!("{marker}{text}"),
        });
    let answers = prop_oneof![
        4 => prop::collection::vec(answer, 1..5).prop_map(|answers| answers.join("\n")),
        1 => Just("T#no#yes".to_string()),
        1 => Just("=one -> 1 =two -> 2 =three -> 3".to_string()),
        1 => Just("#42".to_string()),
        1 => hostile_text().prop_map(|text| format!("={text} ={text}x")),
    ];
    (
        prop::option::of("[A-Za-z ]{1,12}"),
        prop_oneof![
            Just(""),
            Just("[html]"),
            Just("[markdown]"),
            Just("[plain]"),
            Just("[moodle]")
        ],
        hostile_text(),
        answers,
        prop::option::of(hostile_text()),
        prop::option::of(hostile_text()),
    )
        .prop_map(|(title, format, text, answers, general, after)| {
            let title = title.map(|t| format!("::{t}::")).unwrap_or_default();
            let general = general.map(|g| format!("####{g}")).unwrap_or_default();
            let after = after.unwrap_or_default();
            format!("{title}{format}{text}{{\n{answers}\n{general}}}{after}")
        })
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let conversion = run(&text);
        prop_assert_eq!(conversion.counts.skipped, conversion.skipped.len());
    }

    #[test]
    fn arbitrary_gift_converts_to_a_quiz_the_parser_reads_cleanly(gift in gift_file()) {
        let conversion = run(&gift);
        let (quiz, diagnostics) = parse(&conversion.quiz_md);
        // Raw HTML inside `[markdown]` text is allowed there (and warned
        // about by the checker); everything else must parse silently.
        let problems: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.code != crate::content::Code::RawHtml)
            .collect();
        prop_assert!(problems.is_empty(), "{:#?}\n{}", problems, conversion.quiz_md);
        prop_assert_eq!(quiz.questions.len(), conversion.questions());
        for question in &quiz.questions {
            let answerable = match &question.body {
                QuestionBody::Single(options) | QuestionBody::Multiple(options) => {
                    options.len() >= 2 && options.iter().any(|o| o.correct)
                }
                QuestionBody::Order(steps) => steps.len() >= 2,
                QuestionBody::Text(answers) => !answers.is_empty(),
            };
            prop_assert!(answerable, "{}", conversion.quiz_md);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The whole checker, validator included, on random files: slower (a
    /// course on disk per case), so fewer cases.
    #[test]
    fn arbitrary_gift_passes_the_quiz_checker(
        questions in prop::collection::vec(gift_question(), 1..6),
    ) {
        let conversion = run(&questions.join("\n\n"));
        if conversion.questions() == 0 {
            return Ok(());
        }
        let errors = check_errors(&conversion.quiz_md);
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, conversion.quiz_md);
    }
}
