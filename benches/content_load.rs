//! Start-up with a large course: generates N modules (bilingual lessons with
//! tables, lists, callouts and a diagram; quizzes with every question type;
//! a role-play each), then measures
//! 1. load + validate + render in this process (`Library::open`), and
//! 2. the real server: `salesdojo serve` from start to a healthy /healthz,
//!    and its resident memory once serving.
//!
//! Run: `cargo bench --bench content_load` (N=500; set MODULES=... to change).
//! Targets (SPEC section 6): under 2 s and under 150 MB resident.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COMPETENCIES: [&str; 10] = [
    "product-knowledge",
    "discovery",
    "value-pitch",
    "objection-handling",
    "negotiation",
    "customer-management",
    "execution",
    "b2b-process",
    "teamwork",
    "team-leadership",
];

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create a folder");
    }
    std::fs::write(path, text).expect("write a file");
}

fn framework() -> String {
    let mut text = String::from(
        "levels = [\"Aware\", \"Practising\", \"Proficient\", \"Advanced\", \"Expert\"]\nlevels_zh-CN = [\"了解\", \"练习\", \"熟练\", \"精通\", \"专家\"]\n",
    );
    for id in COMPETENCIES {
        let _ = write!(
            text,
            "\n[[competency]]\nid = \"{id}\"\nname = \"{id}\"\nname_zh-CN = \"能力 {id}\"\ndescription = \"What {id} means for a seller.\"\ndescription_zh-CN = \"{id} 对销售的意义。\"\nlevel_descriptions = [\"a\", \"b\", \"c\", \"d\", \"e\"]\nlevel_descriptions_zh-CN = [\"一\", \"二\", \"三\", \"四\", \"五\"]\n"
        );
    }
    text.push_str(
        "\n[[role]]\nid = \"new-hire\"\nname = \"New hire\"\nname_zh-CN = \"新人\"\ntargets = { ",
    );
    let targets: Vec<String> = COMPETENCIES.iter().map(|c| format!("{c} = 2")).collect();
    text.push_str(&targets.join(", "));
    text.push_str(" }\n");
    text
}

fn paragraph(seed: usize, chinese: bool) -> String {
    if chinese {
        format!(
            "第 {seed} 段：先倾听客户，再确认顾虑，用事实和案例回应，最后确认并推进。销售要记录每次拜访的目标和结果，并在周会上复盘。客户说价格高时，先问对比的是什么，再谈总拥有成本。"
        )
    } else {
        format!(
            "Paragraph {seed}: listen to the customer first, confirm the concern in their words, answer with facts, data and a reference case, then check and move forward. A seller logs the goal and result of every visit and reviews them in the weekly meeting. When a buyer says the price is high, ask what they compare it with before talking about the total cost of ownership over three years."
        )
    }
}

fn lesson(index: usize, id: &str, chinese: bool) -> String {
    let competency = COMPETENCIES[index % COMPETENCIES.len()];
    let level = index % 5 + 1;
    let prerequisite = if index == 0 {
        String::new()
    } else {
        format!("\"module-{:03}\"", index - 1)
    };
    let (title, summary, image) = if chinese {
        (
            format!("模块 {index}"),
            format!("第 {index} 个模块的简介。"),
            "media/diagram.zh-CN.svg",
        )
    } else {
        (
            format!("Module {index}"),
            format!("What module {index} teaches."),
            "media/diagram.svg",
        )
    };
    let mut text = format!(
        "+++\ntitle = \"{title}\"\nsummary = \"{summary}\"\ncompetencies = [\"{competency}\"]\nlevel = {level}\nminutes = 20\nprerequisites = [{prerequisite}]\n+++\n\n"
    );
    for section in 0..6 {
        let _ = write!(
            text,
            "## Section {section}\n\n{}\n\n{}\n\n",
            paragraph(section, chinese),
            paragraph(section + 1, chinese)
        );
    }
    let _ = write!(
        text,
        "![Diagram]({image})\n\n| Step | What to say | Why |\n|---|---|---|\n| 1 | \"Compared with what?\" | clarify |\n| 2 | \"I understand...\" | confirm |\n| 3 | \"Here is the data\" | evidence |\n\n- [ ] Listened\n- [ ] Confirmed\n- [x] Answered\n\n> [!TIP]\n> Ask before you answer.\n\nSee also [the previous module](../{id}).\n"
    );
    text
}

fn quiz(chinese: bool) -> String {
    let mut text = String::from(
        "+++\npass_mark = 80\nattempts = 0\nshuffle = true\npartial = true\ndraw = 6\n+++\n\n",
    );
    for q in 0..10 {
        let prompt = if chinese {
            format!("第 {q} 题：客户说太贵了，你先做什么？")
        } else {
            format!("Question {q}: the customer says it is too expensive. What first?")
        };
        match q % 4 {
            0 => {
                let _ = write!(
                    text,
                    "## {prompt} {{#q{q}}}\n\n- [ ] Discount\n  > Too early: ask first.\n- [x] Ask what they compare with\n  > Right.\n- [ ] Repeat features\n  > Not yet: understand the concern first.\n\nUnderstand before answering.\n\n"
                );
            }
            1 => {
                let _ = write!(
                    text,
                    "## {prompt} {{#q{q}}}\n\n- [x] Listen\n  > Yes.\n- [x] Confirm\n  > Yes.\n- [ ] Argue\n  > Arguing closes the conversation.\n\nListen and confirm.\n\n"
                );
            }
            2 => {
                let _ = write!(
                    text,
                    "## {prompt} {{#q{q} type=order}}\n\n1. Listen\n2. Confirm\n3. Respond\n4. Check\n\nIn this order.\n\n"
                );
            }
            _ => {
                let _ = write!(
                    text,
                    "## {prompt} {{#q{q} type=text}}\n\n- [x] FAB\n- [x] F-A-B\n\nFeature, advantage, benefit.\n\n"
                );
            }
        }
    }
    text
}

fn roleplay(competency: &str, chinese: bool) -> String {
    let speaker = if chinese {
        "**客户：**"
    } else {
        "**Customer:**"
    };
    let mut text = format!(
        "+++\ntitle = \"Price pushback\"\npersona = \"Buyer\"\ngoal = \"Keep value\"\ncompetencies = [\"{competency}\"]\n\n[[rubric]]\ncriterion = \"Acknowledges first\"\ncompetency = \"{competency}\"\npoints = 3\n+++\n\n"
    );
    let _ = write!(
        text,
        "## Start {{#start}}\n\n{speaker} Your quote is 20% higher.\n\n- [Ask what they compare](#compare) {{{competency}=+2}}\n- [Discount now](#lost) {{{competency}=-2}}\n\n"
    );
    for step in 0..4 {
        let next = if step == 3 {
            "#pitch".to_owned()
        } else {
            format!("#s{}", step + 1)
        };
        let id = if step == 0 {
            "compare".to_owned()
        } else {
            format!("s{step}")
        };
        let _ = write!(
            text,
            "## Step {step} {{#{id}}}\n\n{speaker} Tell me more.\n\n- [Go on]({next}) {{{competency}=+1}}\n- [Give up](#partial)\n\n"
        );
    }
    let _ = write!(
        text,
        "## Your turn {{#pitch .practice}}\n\nWrite your proposal.\n\n- [Continue](#won)\n\n## Won {{#won .end outcome=won}}\n\n> Won.\n\n## Partial {{#partial .end outcome=partial}}\n\n> Partial.\n\n## Lost {{#lost .end outcome=lost}}\n\n> Lost.\n"
    );
    text
}

fn generate(root: &Path, modules: usize) {
    write(&root.join("competencies.toml"), &framework());
    let ids: Vec<String> = (0..modules).map(|i| format!("module-{i:03}")).collect();
    let list: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    write(
        &root.join("paths/onboarding.toml"),
        &format!(
            "id = \"onboarding\"\ntitle = \"Onboarding\"\nrole = \"new-hire\"\n\n[[stage]]\ntitle = \"All\"\ndays = 365\nmodules = [{}]\n",
            list.join(", ")
        ),
    );
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 40\"><text x=\"5\" y=\"25\">Listen</text></svg>";
    for (index, id) in ids.iter().enumerate() {
        let dir = root.join("modules").join(id);
        let link = if index == 0 {
            id.clone()
        } else {
            ids[index - 1].clone()
        };
        write(&dir.join("lesson.md"), &lesson(index, &link, false));
        write(&dir.join("lesson.zh-CN.md"), &lesson(index, &link, true));
        write(&dir.join("quiz.md"), &quiz(false));
        write(&dir.join("quiz.zh-CN.md"), &quiz(true));
        let competency = COMPETENCIES[index % COMPETENCIES.len()];
        write(&dir.join("roleplay-price.md"), &roleplay(competency, false));
        write(
            &dir.join("roleplay-price.zh-CN.md"),
            &roleplay(competency, true),
        );
        write(&dir.join("media/diagram.svg"), svg);
        write(&dir.join("media/diagram.zh-CN.svg"), svg);
    }
}

fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

fn server_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("release/salesdojo")
}

fn main() {
    let modules: usize = std::env::var("MODULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let content = dir.path().join("content");
    let started = Instant::now();
    generate(&content, modules);
    println!(
        "generated {modules} modules ({} files) in {:.2?}",
        modules * 8 + 2,
        started.elapsed()
    );

    // 1. In this process.
    let rss_before = status_kib("self", "VmRSS:").unwrap_or(0);
    let started = Instant::now();
    let library = match salesdojo::library::Library::open(&content) {
        Ok(library) => library,
        Err(report) => panic!("the generated course has errors:\n{report}"),
    };
    let in_process = started.elapsed();
    let rss_after = status_kib("self", "VmRSS:").unwrap_or(0);
    let status = library.status();
    let catalog = library.catalog();
    println!(
        "in-process load + validate + render: {:.3} s for {} modules, {} questions, {} role-plays, {} warnings",
        in_process.as_secs_f64(),
        catalog.modules.len(),
        catalog.question_count(),
        catalog.roleplay_count(),
        status.summary.warnings
    );
    println!(
        "  resident memory grew by {:.1} MB",
        (rss_after.saturating_sub(rss_before)) as f64 / 1024.0
    );
    println!(
        "  ratio to the 2 s target: {:.2}",
        in_process.as_secs_f64() / 2.0
    );

    // 2. The real server.
    let binary = server_binary();
    if !binary.exists() {
        println!("(skipping the server measurement: build it first with `cargo build --release`)");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let started = Instant::now();
    let mut child = Command::new(&binary)
        .current_dir(dir.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--content"])
        .arg(&content)
        .env_remove("DATABASE_URL")
        .env_remove("SALESDOJO_SECRET")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let healthy = loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                break true;
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let startup = started.elapsed();
    let pid = child.id().to_string();
    std::thread::sleep(Duration::from_millis(300));
    let rss = status_kib(&pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0;
    let peak = status_kib(&pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0;
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "the server did not become healthy within 60 s");
    println!(
        "server start to healthy /healthz (new SQLite database, migrations, content): {:.3} s",
        startup.as_secs_f64()
    );
    println!("  resident memory while serving: {rss:.1} MB (peak {peak:.1} MB)");
    println!(
        "  ratios to target: time {:.2} of 2 s, memory {:.2} of 150 MB",
        startup.as_secs_f64() / 2.0,
        rss / 150.0
    );
}
