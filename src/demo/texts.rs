//! What demo learners write at practice scenes and what reviewers say
//! about it. Written for the shipped role-plays (by role-play name), with a
//! general answer for any other content, so that a reviewer opening the
//! queue reads something a real seller could have written.

/// A strong and a weak answer for each shipped role-play.
const ANSWERS: [(&str, &str, &str); 11] = [
    (
        "key-account-first-visit",
        "Chen Jing, what I heard is that traceability on the new line is the real worry: two welds failed the customer audit last quarter and each re-inspection stops the line for half a day. I suggest a two-hour session with Guo Feng next Tuesday or Wednesday: our application engineer walks through the weld records on your line and shows how the audit trail is kept. Guo Feng gets a clear picture of the audit risk and a plan he can take to management; you get a decision on whether it is worth a trial.",
        "Guo Feng should meet us because our system is the best on the market for traceability. I can send him the brochure today and we can arrange a demo whenever suits him.",
    ),
    (
        "tender-with-coach",
        "Ma Jun, the mill's real problem is scaling when the chloride level rises, so I would ask for a guaranteed cleaning interval at your actual feed water and a reference site with similar water that Mr Zheng can visit. Both can go in a fair tender and both matter because every unplanned clean costs you a day of output. Do you think Mr Zheng and Ms Sun would accept a site visit as part of the evaluation?",
        "Could you put our model number in the specification? That way we are sure to win and you won't have to worry about the evaluation.",
    ),
    (
        "special-payment-terms",
        "Sun Li, Huaxin orders 2.1 million yuan at 18% margin and asks for 90 days instead of 30 because their own customer pays them late. Risk: they paid on time for three years; their credit limit covers the order. Proposal: 30% on order, 70% at 90 days, backed by a bank acceptance note, and the terms apply to this order only. I need a decision by Thursday, when they sign.",
        "The customer needs 90 days or they will go elsewhere. They are a good customer. Please approve today, I will make sure they pay.",
    ),
    (
        "renewal-at-risk",
        "Tang Hui, you are right: we let you down twice and Ye Qiang's promises were not kept. From next week your line has one named service engineer, Li Ming, who visits every second Monday; you will get a written report after each visit and I will call you on the first of every month to go through it. I would also like to invite your production manager and your quality lead to our plant, so that more of your team knows us before the renewal.",
        "I am sorry about the problems. It won't happen again, we have a new team now. Can we go ahead with the renewal?",
    ),
    (
        "one-to-one",
        "Zhao Lei, let's agree three things: by the end of the month you name a second contact in each of your five biggest accounts and meet two of them; you book two visits to larger customers each week from now on; and you log every visit on the same day. I will join your first visit to Tianyu and review the pipeline with you every Friday for the next four weeks.",
        "Zhao Lei, you need to work harder on the big accounts. Send me your plan by Friday and we will see.",
    ),
    (
        "discount-first",
        "Dear Ma Hui, thank you for today. To confirm: two packing lines with installation and first-year service, list price less 7%; in return Boyuan takes the service contract for three years and pays 30% on order, 60% on delivery and 10% after acceptance. Installation in week 24. I will send the draft contract by Friday; your team confirms the site layout by 10 June. Best regards.",
        "Hi Ma Hui, as discussed we can give you the discount. Please send the order and we will deliver as soon as possible.",
    ),
    (
        "late-delivery",
        "Good morning Chen Hong, I am sorry again that the kits arrived late on Friday. All twelve were delivered at 1:40 p.m., Xiao Liu commissioned the line on Saturday and it ran a full shift on Sunday night. Is everything running the way you need it? Before Wednesday's audit, is there anything else you need from us, such as the material certificates or the commissioning report?",
        "Hi Chen Hong, the delivery arrived on Friday as I promised. Let me know if you need anything.",
    ),
    (
        "price-gap",
        "We understand that every cost counts this year. Compared like for like, our quote includes installation, training and two years of service, which the other quote prices separately at about 9% on top, so the real difference is under 3%. I suggest a thirty-minute call with you and your boss this week to go through the numbers.",
        "Our product is better quality so it is worth the extra price. Please tell your boss we are the best choice.",
    ),
    (
        "stability-worries",
        "Jinding is a solid supplier and has served you well on the older presses. The difference that matters for Dongfang is stability at high speed: on the new presses our controller keeps pressure within 1%, which is what caused your stoppages. Three plants running the same presses use it, and you can call Huayang's plant manager yourself. I propose a visit to Huayang next week and a one-month trial on a single press, so your risk stays small.",
        "Tell him Jinding is old technology and we are much more stable. We can guarantee no stoppages at all.",
    ),
    (
        "first-discovery-call",
        "Zhang Hui, if I understood you: the packing line stops three times a week, each stop costs about two hours of output, and your director wants a plan before the budget meeting in May. I suggest that our engineer visits next Thursday to measure the stoppages on site, and I come back to you with a costed proposal by the end of the month.",
        "Thank you. I will send you our catalogue and a quotation for our best machine.",
    ),
    (
        "first-pitch",
        "Mr Wang, the feeder weighs each portion to within half a gram, so you give away less product: at your 40 tonnes a month that is about 120,000 yuan a year, which pays for the machine in under a year. I suggest we run your product on our test line next week so you can show your general manager the numbers on Friday.",
        "Our feeder is very accurate and very fast, and many customers are happy with it. Can I send you a quote?",
    ),
];

/// For role-plays the demo does not know: a plain answer that still reads
/// like a seller's.
const GENERAL_STRONG: &str = "Let me sum up what I heard in your words: the current situation costs you time and money every week, and you need a plan you can defend internally. I suggest a short meeting next week with the people who decide, where we go through the numbers together and agree on the next step and who does what by when.";
const GENERAL_WEAK: &str =
    "We can solve this for you. I will send you more information and a quote.";

/// What a learner writes at a practice scene of `roleplay`: the strong
/// answer when they do well, otherwise the weak one.
pub fn practice_answer(roleplay: &str, strong: bool) -> &'static str {
    let found = ANSWERS.iter().find(|(name, _, _)| *name == roleplay);
    match (found, strong) {
        (Some((_, good, _)), true) => good,
        (Some((_, _, weak)), false) => weak,
        (None, true) => GENERAL_STRONG,
        (None, false) => GENERAL_WEAK,
    }
}

const HIGH: [&str; 3] = [
    "Clear, specific and in the customer's own numbers. This is the standard for the team.",
    "Very good: concrete next step with names and dates. Use this in your next real call.",
    "Strong answer. The summary would make the customer nod; the ask is clear.",
];
const MIDDLE: [&str; 3] = [
    "Good start. Make the next step concrete: who, what and by when.",
    "The structure is right, but use the customer's figures instead of general claims.",
    "Decent. Acknowledge the customer's concern before you answer it.",
];
const LOW: [&str; 3] = [
    "Too general: the customer cannot forward this. Rewrite it with their numbers and a dated next step.",
    "This promises more than we can keep. Let's go through the four steps in our next one-to-one.",
    "No summary of what the customer said and no next step. Replay the role-play and try the practice scene again.",
];

/// A reviewer's comment for an answer scored at `share` (0..1) of the
/// rubric's points; `pick` chooses among equally fitting comments.
pub fn review_comment(share: f64, pick: usize) -> &'static str {
    let pool = if share >= 0.75 {
        &HIGH
    } else if share >= 0.45 {
        &MIDDLE
    } else {
        &LOW
    };
    pool[pick % pool.len()]
}
