//! The example gallery: real datasets bundled with the page (`static/examples/`), each with its
//! causal graph, its analysis and a short story of what it shows. An example is a share link whose
//! data the page fetches from its own site, so "load an example" and "open an example's link" are
//! one code path.

use cf_engine::uplift::Economics;
use cf_engine::{AnalysisSpec, EstimandChoice, Method};
use cf_share::{Fingerprint, Shared, SharedUplift};

/// A bundled example.
#[derive(Debug, PartialEq)]
pub struct Example {
    /// Id in `data-testid`s and links (`[a-z0-9_]`).
    pub id: &'static str,
    /// File under `examples/`.
    pub file: &'static str,
    /// Card title.
    pub title: &'static str,
    /// One line under the title: the kind of study.
    pub kind: &'static str,
    /// The treatment was assigned at random: the example opens in experiment mode.
    pub randomized: bool,
    /// The example whose experiment this observational example's estimates are held against
    /// ("compare with the experiment").
    pub experiment: Option<&'static str>,
    /// Two lines for the gallery card.
    pub blurb: &'static str,
    /// What the example shows.
    pub story: &'static str,
    /// What to compare the results with.
    pub look_for: &'static str,
    /// A known answer drawn on the forest plot (value, what it is).
    pub benchmark: Option<(f64, &'static str)>,
    /// The file's header line (its columns, in order).
    header: &'static str,
    /// Data rows.
    rows: usize,
    /// FNV-1a hash of the file's bytes, as the worker computes it.
    hash: &'static str,
    /// The causal graph, DAGitty model code with roles. A latent `background` node stands for
    /// whatever makes the covariates depend on each other (a graph without it would claim they
    /// are independent, and the data would reject that).
    pub graph: &'static str,
    /// Treatment, outcome.
    roles: (&'static str, &'static str),
    /// Adjusted covariates.
    covariates: &'static [&'static str],
    /// Methods run.
    methods: &'static [Method],
    /// ATE or ATT for the weighting and matching methods.
    estimand: EstimandChoice,
    /// Control level of a multi-valued treatment.
    control: Option<&'static str>,
    /// Instruments (2SLS).
    instruments: &'static [&'static str],
    /// A value and costs "Whom to target" starts from (the page's defaults otherwise).
    targeting: Option<Economics>,
    /// A column of each row's true uplift (simulated data) the uplift lists are checked against.
    truth: Option<&'static str>,
}

/// Dehejia and Wahba's covariates (the reference numbers' specification).
const NSW_COVARIATES: [&str; 12] = [
    "age", "age2", "educ", "educ2", "black", "hisp", "married", "nodegree", "re74", "re75", "u74",
    "u75",
];
const NSW_HEADER: &str =
    "treat,age,educ,black,hisp,married,nodegree,re74,re75,re78,u74,u75,age2,educ2";

/// The sample's true average effect in the IHDP file (mean of `true_ite`).
const TRUE_ATE_IHDP: f64 = 4.661_289_815;
/// The coupon example's mean true uplift (of `true_uplift`, every customer).
const TRUE_UPLIFT_COUPON: f64 = 0.026_585_634_8;

/// Every example, in gallery order.
pub const EXAMPLES: [Example; 6] = [
    Example {
        id: "nsw",
        file: "nsw_experimental.csv",
        title: "NSW job training, randomized",
        kind: "Randomized experiment · 445 people",
        randomized: true,
        experiment: None,
        blurb: "Job training assigned by lottery. With randomization every method should agree: about $1,794 more in 1978 earnings.",
        story: "The National Supported Work programme assigned job training by lottery (LaLonde 1986; Dehejia & Wahba 1999). With a coin deciding who was trained, nothing else differs on average between the groups: every method should agree with the plain difference in 1978 earnings.",
        look_for: "Every row near $1,794 (the difference in means); adjusting for the covariates only narrows the intervals.",
        benchmark: Some((1794.342404270271, "experimental difference (ATE)")),
        header: NSW_HEADER,
        rows: 445,
        hash: "c1821d936a440d8d",
        graph: "dag {\ntreat [exposure]\nre78 [outcome]\nbackground [latent]\nbackground -> {age age2 educ educ2 black hisp married nodegree re74 re75 u74 u75}\n{age age2 educ educ2 black hisp married nodegree re74 re75 u74 u75} -> re78\ntreat -> re78\n}\n",
        roles: ("treat", "re78"),
        covariates: &NSW_COVARIATES,
        methods: &Method::ADJUSTMENT,
        estimand: EstimandChoice::Ate,
        control: None,
        instruments: &[],
        targeting: None,
        truth: None,
    },
    Example {
        id: "nsw_cps",
        file: "nsw_cps.csv",
        title: "NSW trainees vs. survey controls",
        kind: "Observational · 16,177 people",
        randomized: false,
        experiment: Some("nsw"),
        blurb: "The same trainees against survey respondents. The raw gap says −$8,498; adjustment brings it back towards the experiment's $1,794.",
        story: "The same 185 trainees, now compared with 15,992 people from the Current Population Survey instead of the lottery's losers. Survey respondents earned far more before the programme, so the raw difference says training cost $8,498 a year. Adjusting for age, schooling and earnings history is what brings the answer back towards the experiment.",
        look_for: "How far each method lands from the experimental effect on the treated, $1,794 (difference in means: −$8,498).",
        benchmark: Some((1794.342404270271, "experimental effect on the treated (ATT)")),
        header: NSW_HEADER,
        rows: 16_177,
        hash: "8f9ea1ba1bf72f27",
        graph: "dag {\ntreat [exposure]\nre78 [outcome]\nbackground [latent]\nbackground -> {age age2 educ educ2 black hisp married nodegree re74 re75 u74 u75}\n{age age2 educ educ2 black hisp married nodegree re74 re75 u74 u75} -> {treat re78}\ntreat -> re78\n}\n",
        roles: ("treat", "re78"),
        covariates: &NSW_COVARIATES,
        methods: &[
            Method::DiffMeans,
            Method::Ols,
            Method::Ipw,
            Method::Aipw,
            Method::Psm,
            Method::DrLearner,
        ],
        estimand: EstimandChoice::Att,
        control: None,
        instruments: &[],
        targeting: None,
        truth: None,
    },
    Example {
        id: "hillstrom",
        file: "hillstrom.csv",
        title: "Hillstrom e-mail campaign",
        kind: "Randomized, three arms · 64,000 customers",
        randomized: true,
        experiment: None,
        blurb: "A men's e-mail, a women's e-mail or none, at random. Which one brought visits, and which customers should get it next?",
        story: "An online retailer sent a men's merchandise e-mail, a women's e-mail or nothing, at random (MineThatData, 2008). Which e-mail brought more visits to the site in the next two weeks, and for which customers? The T- and X-learners estimate each customer's uplift; “Who responds” ranks customers by it, and “Whom to target” turns a visit's worth (1.00 here) and an e-mail's cost (0.05) into the share worth mailing and the list of whom to mail: set them to yours.",
        look_for: "Visit rate +7.7 points for the men's e-mail and +4.5 for the women's, against 10.6% without e-mail.",
        benchmark: None,
        header: "treatment,arm,visit,conversion,spend,recency,history_segment,history,mens,womens,newbie,zip_urban,zip_surburban,channel_web,channel_phone,zip_code,channel,segment",
        rows: 64_000,
        hash: "19c29f6ab6709d31",
        graph: "dag {\narm [exposure]\nvisit [outcome]\nbackground [latent]\nbackground -> {recency history mens womens newbie zip_urban zip_surburban channel_web channel_phone}\n{recency history mens womens newbie zip_urban zip_surburban channel_web channel_phone} -> visit\narm -> visit\n}\n",
        roles: ("arm", "visit"),
        covariates: &[
            "recency",
            "history",
            "mens",
            "womens",
            "newbie",
            "zip_urban",
            "zip_surburban",
            "channel_web",
            "channel_phone",
        ],
        methods: &[Method::DiffMeans, Method::Ols, Method::Ipw, Method::TLearner, Method::XLearner],
        estimand: EstimandChoice::Ate,
        control: Some("0"),
        instruments: &[],
        targeting: Some(Economics { value: 1.0, cost_per_treated: 0.05, cost_per_conversion: 0.0 }),
        truth: None,
    },
    Example {
        id: "coupon",
        file: "coupon.csv",
        title: "Coupon campaign: the true uplift is known",
        kind: "Simulated, randomized · 20,000 customers",
        randomized: true,
        experiment: None,
        blurb: "A 10 % coupon sent at random. Whom should it go to? Every customer's true uplift is in the file, so each list can be checked.",
        story: "An online shop e-mailed a 10 % coupon to half of 20,000 customers, at random, and recorded who bought in the next 30 days. The data are simulated (scripts/make_coupon_example.py, seeded), so every customer's true uplift is in the file (`true_uplift`, never a covariate): the coupon works on lapsed customers who used to buy often, a little on newsletter readers in the south, and not on those who bought last month. “Who responds” checks each model's list against the best possible one; “Whom to target” prices a purchase at 40 and a coupon at 0.10 to send plus 4.50 when redeemed.",
        look_for: "True average uplift +2.7 points (purchase rate 16 %). At 30 % targeted, how close does each model's list come to the best list?",
        benchmark: Some((TRUE_UPLIFT_COUPON, "true average uplift")),
        header: "customer_id,recency_days,orders_12m,avg_basket,app_user,newsletter,region,coupon,purchase,true_uplift",
        rows: 20_000,
        hash: "56f7b2d1ae0de733",
        graph: "dag {\ncoupon [exposure]\npurchase [outcome]\nbackground [latent]\nbackground -> {recency_days orders_12m avg_basket app_user newsletter region}\n{recency_days orders_12m avg_basket app_user newsletter region} -> purchase\ncoupon -> purchase\n}\n",
        roles: ("coupon", "purchase"),
        covariates: &[
            "recency_days",
            "orders_12m",
            "avg_basket",
            "app_user",
            "newsletter",
            "region",
        ],
        methods: &[Method::DiffMeans, Method::Ols, Method::Ipw, Method::TLearner, Method::XLearner],
        estimand: EstimandChoice::Ate,
        control: None,
        instruments: &[],
        targeting: Some(Economics { value: 40.0, cost_per_treated: 0.1, cost_per_conversion: 4.5 }),
        truth: Some("true_uplift"),
    },
    Example {
        id: "card",
        file: "card.csv",
        title: "Card: schooling and wages",
        kind: "Instrumental variable · 3,010 men",
        randomized: false,
        experiment: None,
        blurb: "Does school raise wages when ability is unmeasured? Growing up near a college serves as an instrument.",
        story: "Does a year of school raise wages? Ability drives both, and nobody measured it. Card (1995) used growing up near a four-year college as an instrument: it makes more schooling likely but, given region and background, should not affect wages any other way. The graph draws ability as a latent node; 2SLS needs no adjustment for it.",
        look_for: "About 13% higher wages per year of school (Wooldridge, Example 15.4: 0.1315, s.e. 0.055), against 7.5% from a plain regression.",
        benchmark: None,
        header: "id,nearc2,nearc4,educ,age,fatheduc,motheduc,weight,momdad14,sinmom14,step14,reg661,reg662,reg663,reg664,reg665,reg666,reg667,reg668,reg669,south66,black,smsa,south,smsa66,wage,enroll,KWW,IQ,married,libcrd14,exper,lwage,expersq",
        rows: 3_010,
        hash: "b3c112b9374c1a70",
        graph: "dag {\neduc [exposure]\nlwage [outcome]\nability [latent]\nnearc4 -> educ\neduc -> lwage\nability -> {educ lwage}\nbackground [latent]\nbackground -> {exper expersq black smsa south smsa66 reg662 reg663 reg664 reg665 reg666 reg667 reg668 reg669}\n{exper expersq black smsa south} -> {educ lwage}\n{smsa66 reg662 reg663 reg664 reg665 reg666 reg667 reg668 reg669} -> {nearc4 educ lwage}\n}\n",
        roles: ("educ", "lwage"),
        covariates: &[
            "exper", "expersq", "black", "smsa", "south", "smsa66", "reg662", "reg663", "reg664",
            "reg665", "reg666", "reg667", "reg668", "reg669",
        ],
        methods: &[Method::TwoSls],
        estimand: EstimandChoice::Ate,
        control: None,
        instruments: &["nearc4"],
        targeting: None,
        truth: None,
    },
    Example {
        id: "ihdp",
        file: "ihdp_sim_b.csv",
        title: "IHDP: the true effect is known",
        kind: "Semi-synthetic · 747 children",
        randomized: false,
        experiment: None,
        blurb: "Semi-synthetic data where every child's true effect is known: see how close each method gets to 4.66.",
        story: "Real covariates of the Infant Health and Development Program with a simulated outcome (Hill 2011, response surface B), so every child's true effect is in the file (`true_ite`). Treated children differ from the others, and the effect varies with the covariates: a test of how well each method recovers a number we know.",
        look_for: "True average effect 4.66 (on the treated: 4.00). Matching estimates the effect on the treated.",
        benchmark: Some((TRUE_ATE_IHDP, "true ATE")),
        header: "treat,y,true_ite,bw,b_head,preterm,birth_o,nnhealth,momage,sex,twin,b_marr,mom_lths,mom_hs,mom_scoll,cig,first,booze,drugs,work_dur,prenatal,site1,site2,site3,site4,site5,site6,site7",
        rows: 747,
        hash: "aad5ca9fc6bb1be8",
        graph: "dag {\ntreat [exposure]\ny [outcome]\nbackground [latent]\nbackground -> {bw b_head preterm birth_o nnhealth momage sex twin b_marr mom_lths mom_hs mom_scoll cig first booze drugs work_dur prenatal site1 site2 site3 site4 site5 site6 site7}\n{bw b_head preterm birth_o nnhealth momage sex twin b_marr mom_lths mom_hs mom_scoll cig first booze drugs work_dur prenatal site1 site2 site3 site4 site5 site6 site7} -> {treat y}\ntreat -> y\n}\n",
        roles: ("treat", "y"),
        covariates: &[
            "bw",
            "b_head",
            "preterm",
            "birth_o",
            "nnhealth",
            "momage",
            "sex",
            "twin",
            "b_marr",
            "mom_lths",
            "mom_hs",
            "mom_scoll",
            "cig",
            "first",
            "booze",
            "drugs",
            "work_dur",
            "prenatal",
            "site1",
            "site2",
            "site3",
            "site4",
            "site5",
            "site6",
            "site7",
        ],
        methods: &[
            Method::Ols,
            Method::Ipw,
            Method::Aipw,
            Method::Psm,
            Method::TLearner,
            Method::XLearner,
            Method::RLearner,
            Method::DrLearner,
        ],
        estimand: EstimandChoice::Ate,
        control: None,
        instruments: &[],
        targeting: None,
        truth: None,
    },
];

/// The example with this id.
pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

impl Example {
    /// Path of the data file, relative to the page.
    pub fn path(&self) -> String {
        format!("./examples/{}", self.file)
    }

    /// What identifies the file.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint {
            columns: self.header.split(',').map(str::to_string).collect(),
            n_rows: self.rows,
            hash: self.hash.to_string(),
        }
    }

    /// The analysis.
    pub fn spec(&self) -> AnalysisSpec {
        let (t, y) = self.roles;
        let mut spec = AnalysisSpec::new(t, y, self.methods.to_vec());
        spec.covariates = Some(self.covariates.iter().map(|c| c.to_string()).collect());
        spec.options.estimand = self.estimand;
        spec.control = self.control.map(str::to_string);
        spec.instruments = self.instruments.iter().map(|c| c.to_string()).collect();
        spec.options.randomized = self.randomized;
        spec
    }

    /// The example as a share link's content: analysis, graph, the file's fingerprint and the
    /// example's id (the page fetches the data itself).
    pub fn shared(&self) -> Shared {
        Shared {
            spec: Some(self.spec()),
            graph: Some(self.graph.to_string()),
            fingerprint: Some(self.fingerprint()),
            example: Some(self.id.to_string()),
            uplift: (self.targeting.is_some() || self.truth.is_some()).then(|| SharedUplift {
                economics: self.targeting.unwrap_or(SharedUplift::default().economics),
                truth_column: self.truth.map(str::to_string),
                ..Default::default()
            }),
            ..Shared::default()
        }
    }

    /// Its share link text (without `#`).
    pub fn link(&self) -> String {
        // Encoding without embedded data cannot fail (only data can make a link too large).
        cf_share::encode(&self.shared()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn file(e: &Example) -> Vec<u8> {
        let path = format!("{}/static/examples/{}", env!("CARGO_MANIFEST_DIR"), e.file);
        std::fs::read(path).unwrap()
    }

    #[test]
    fn each_fingerprint_is_its_files() {
        for e in &EXAMPLES {
            let bytes = file(e);
            let text = std::str::from_utf8(&bytes).unwrap();
            let header = text.lines().next().unwrap();
            let rows = text.lines().skip(1).filter(|l| !l.is_empty()).count();
            let columns = header.split(',').map(str::to_string).collect();
            assert_eq!(Fingerprint::of(columns, rows, &bytes), e.fingerprint(), "{}", e.id);
        }
    }

    #[test]
    fn each_graph_names_its_columns_and_roles() {
        for e in &EXAMPLES {
            let g = cf_graph::text::parse(e.graph).unwrap();
            let columns: Vec<String> = e.fingerprint().columns;
            for n in g.nodes() {
                assert_eq!(n.latent, !columns.contains(&n.name), "{}: {}", e.id, n.name);
            }
            let spec = e.spec();
            let role = |name: &str| g.nodes()[g.index(name).unwrap()].role;
            assert_eq!(role(&spec.treatment), cf_graph::Role::Exposure, "{}", e.id);
            assert_eq!(role(&spec.outcome), cf_graph::Role::Outcome, "{}", e.id);
            for c in spec.covariates.iter().flatten().chain(&spec.instruments) {
                assert!(columns.contains(c), "{}: {c}", e.id);
                assert!(g.index(c).is_some(), "{}: {c} is drawn", e.id);
            }
        }
    }

    #[test]
    fn each_analysis_is_identified_by_its_graph() {
        use cf_graph::identify::{instruments, is_backdoor};
        for e in &EXAMPLES {
            let g = cf_graph::text::parse(e.graph).unwrap();
            let spec = e.spec();
            let at = |n: &str| g.index(n).unwrap();
            let (x, y) = (at(&spec.treatment), at(&spec.outcome));
            let z: Vec<usize> = spec.covariates.iter().flatten().map(|c| at(c)).collect();
            if spec.instruments.is_empty() {
                assert!(
                    is_backdoor(&g, x, y, &z),
                    "{}: the covariates block every back door",
                    e.id
                );
            } else {
                // A latent confounder: no adjustment set, but a (conditional) instrument.
                assert!(!is_backdoor(&g, x, y, &z), "{}", e.id);
                let found = instruments(&g, x, y);
                for iv in &spec.instruments {
                    let it = found.iter().find(|i| &i.instrument == iv).unwrap();
                    let covs = spec.covariates.as_deref().unwrap_or_default();
                    assert!(it.given.iter().all(|w| covs.contains(w)), "{}: {it:?}", e.id);
                }
            }
        }
    }

    #[test]
    fn the_benchmarks_are_the_files() {
        let mean_of = |e: &Example, col: &str, filter: Option<(&str, &str)>| {
            let text = String::from_utf8(file(e)).unwrap();
            let mut lines = text.lines();
            let head: Vec<&str> = lines.next().unwrap().split(',').collect();
            let at = |c: &str| head.iter().position(|h| *h == c).unwrap();
            let (sum, n) = lines
                .map(|l| l.split(',').collect::<Vec<_>>())
                .filter(|v| filter.is_none_or(|(c, want)| v[at(c)] == want))
                .fold((0.0, 0.0), |(s, n), v| (s + v[at(col)].parse::<f64>().unwrap(), n + 1.0));
            sum / n
        };
        let ihdp = by_id("ihdp").unwrap();
        assert!((mean_of(ihdp, "true_ite", None) - TRUE_ATE_IHDP).abs() < 1e-8);
        let coupon = by_id("coupon").unwrap();
        assert!((mean_of(coupon, "true_uplift", None) - TRUE_UPLIFT_COUPON).abs() < 1e-9);
        let nsw = by_id("nsw").unwrap();
        let diff =
            mean_of(nsw, "re78", Some(("treat", "1"))) - mean_of(nsw, "re78", Some(("treat", "0")));
        assert!((diff - nsw.benchmark.unwrap().0).abs() < 1e-9, "{diff}");
    }

    #[test]
    fn links_round_trip_and_ids_are_unique() {
        for e in &EXAMPLES {
            let back = cf_share::decode(&e.link()).unwrap();
            assert_eq!(back, e.shared());
            assert_eq!(by_id(e.id), Some(e));
        }
        assert_eq!(by_id("nope"), None);
    }
}
