//! The cast of the demo organisation: who works where, in which job role,
//! and how each learner tends to learn. Written out by hand rather than
//! generated, so that every newcomer meets the same people and a name on the
//! heatmap can be talked about ("why is 王芳 behind in negotiation?").

/// Every demo address ends with this domain. `.test` is reserved (RFC 2606),
/// so no mail sent to a demo account can reach anyone.
pub const DOMAIN: &str = "demo.salesdojo.test";

/// The one password of every demo account. It is printed on purpose: the
/// demo is for trying the product, never for real data.
pub const PASSWORD: &str = "dojo-demo-2026";

/// A manager, running one or more teams.
pub struct ManagerSpec {
    pub local: &'static str,
    pub name: &'static str,
}

/// A team and the index of its manager in [`MANAGERS`].
pub struct TeamSpec {
    pub name: &'static str,
    pub manager: usize,
}

/// How a learner behaves, all in 0..1.
pub struct LearnerSpec {
    pub local: &'static str,
    pub name: &'static str,
    /// Index into [`TEAMS`].
    pub team: usize,
    /// 0 = the most junior job role of the framework, counting up; wraps
    /// to the framework's roles, so any content with roles works.
    pub seniority: usize,
    /// How often they answer right and play the best line.
    pub skill: f64,
    /// How much of their path they have got through.
    pub engagement: f64,
    /// Days since they started on the platform.
    pub started_days_ago: i64,
}

/// The first manager also marks the demo as loaded: the demo is there
/// exactly when this account exists.
pub const MANAGERS: [ManagerSpec; 2] = [
    ManagerSpec {
        local: "laura.bennett",
        name: "Laura Bennett",
    },
    ManagerSpec {
        local: "liu.yang",
        name: "刘洋",
    },
];

pub const TRAINER: ManagerSpec = ManagerSpec {
    local: "marco.rossi",
    name: "Marco Rossi",
};

pub const TEAMS: [TeamSpec; 3] = [
    TeamSpec {
        name: "Key Accounts East",
        manager: 0,
    },
    TeamSpec {
        name: "New Hire Academy",
        manager: 0,
    },
    TeamSpec {
        name: "Field Sales North",
        manager: 1,
    },
];

const fn learner(
    local: &'static str,
    name: &'static str,
    team: usize,
    seniority: usize,
    skill: f64,
    engagement: f64,
    started_days_ago: i64,
) -> LearnerSpec {
    LearnerSpec {
        local,
        name,
        team,
        seniority,
        skill,
        engagement,
        started_days_ago,
    }
}

/// Thirty learners: key-account sellers who are strong but busy, a cohort
/// of new hires from eager to absent, and a field team in between, with a
/// team lead or two on the manager track.
pub const LEARNERS: [LearnerSpec; 30] = [
    // Key Accounts East: senior sellers.
    learner("wang.fang", "王芳", 0, 2, 0.92, 0.85, 52),
    learner("anna.schmidt", "Anna Schmidt", 0, 2, 0.85, 0.70, 48),
    learner("zhang.wei", "张伟", 0, 2, 0.78, 0.45, 45),
    learner("priya.nair", "Priya Nair", 0, 2, 0.88, 0.95, 50),
    learner("huang.lei", "黄磊", 0, 2, 0.62, 0.30, 40),
    learner("james.obrien", "James O'Brien", 0, 3, 0.80, 0.60, 55),
    learner("xu.jing", "徐静", 0, 2, 0.70, 0.20, 35),
    learner("lucas.silva", "Lucas Silva", 0, 1, 0.74, 0.55, 38),
    // New Hire Academy: first-year sellers.
    learner("li.na", "李娜", 1, 0, 0.90, 0.90, 30),
    learner("emma.johansson", "Emma Johansson", 1, 0, 0.72, 0.75, 28),
    learner("chen.chen", "陈晨", 1, 0, 0.55, 0.60, 29),
    learner("tom.becker", "Tom Becker", 1, 0, 0.40, 0.35, 27),
    learner("yang.fan", "杨帆", 1, 0, 0.66, 0.50, 26),
    learner("sara.haddad", "Sara Haddad", 1, 0, 0.83, 0.65, 24),
    learner("zhou.ting", "周婷", 1, 0, 0.48, 0.15, 22),
    learner("kenji.watanabe", "Kenji Watanabe", 1, 0, 0.76, 0.45, 21),
    learner("wu.hao", "吴昊", 1, 0, 0.35, 0.25, 20),
    learner("olivia.brown", "Olivia Brown", 1, 0, 0.60, 0.80, 18),
    learner("sun.yue", "孙悦", 1, 0, 0.87, 0.40, 16),
    learner("mateo.garcia", "Mateo García", 1, 0, 0.52, 0.10, 14),
    // Field Sales North: sales representatives.
    learner("zhao.min", "赵敏", 2, 1, 0.81, 0.75, 56),
    learner("david.kim", "David Kim", 2, 1, 0.58, 0.50, 49),
    learner("hu.xue", "胡雪", 2, 1, 0.69, 0.65, 47),
    learner("nina.petrova", "Nina Petrova", 2, 1, 0.45, 0.30, 44),
    learner("guo.peng", "郭鹏", 2, 1, 0.73, 0.20, 42),
    learner("aisha.bello", "Aisha Bello", 2, 1, 0.90, 0.60, 39),
    learner("ma.chao", "马超", 2, 3, 0.77, 0.55, 53),
    learner("he.li", "何莉", 2, 1, 0.50, 0.70, 36),
    learner("ryan.cooper", "Ryan Cooper", 2, 1, 0.64, 0.40, 33),
    learner("lin.xiaoyu", "林晓宇", 2, 2, 0.84, 0.50, 46),
];

/// The full e-mail address of a demo account.
pub fn email(local: &str) -> String {
    format!("{local}@{DOMAIN}")
}

/// The address that marks the demo as loaded.
pub fn marker_email() -> String {
    email(MANAGERS[0].local)
}
