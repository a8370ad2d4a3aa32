"""The annual report of a decision organ (法治政府建设年度报告的数据), as data.

The figures follow what the seeds report each year — e.g. 丽水 (seed 002): written legality opinions issued,
meeting minutes reviewed ("190件…出具书面法律意见190份"), documents filed; 甘肃 (seed 000 (十一)): a minimum
number of post-evaluations per city and county each year.
"""

from __future__ import annotations

from workflow.statistics import Counter, Minimum, Report

MD, ND, ER, GC, MR = "major_decision", "normative_document", "enforcement_review", "contract_review", "minutes_review"

ANNUAL = Report(
    name="annual",
    title="年度依法决策统计",
    title_en="Annual statistics of lawful decision-making",
    counters=(
        Counter("decisions_opened", "重大行政决策立项", "Major decision cases opened", "opened", (MD,)),
        Counter("decisions_adopted", "决策通过", "Decisions adopted", "fired", ((MD, "adopt"),)),
        Counter("decisions_rejected", "决策不予通过", "Decisions rejected", "fired", ((MD, "reject"),)),
        Counter("decisions_deferred", "决策暂缓", "Decisions deferred", "fired", ((MD, "defer"),)),
        Counter("legality_opinions", "合法性审查书面意见", "Written legality review opinions", "recorded",
                ((MD, "legality_review_opinion"), (ND, "legality_review_opinion"), (ER, "review_opinion"),
                 (GC, "review_opinion"), (MR, "legal_opinion")), by="conclusion"),
        Counter("decision_legality_opinions", "重大行政决策合法性审查意见", "Legality opinions on major decisions",
                "recorded", ((MD, "legality_review_opinion"),), by="conclusion"),
        Counter("hearings_held", "举行听证会", "Hearings held", "recorded", ((MD, "hearing_record"),)),
        Counter("expert_opinions", "专家论证意见", "Expert opinions", "recorded", ((MD, "expert_opinion"), (ND, "expert_opinion"))),
        Counter("risk_assessments", "风险评估报告", "Risk assessment reports", "recorded",
                ((MD, "risk_assessment_report"), (ND, "risk_assessment_report"))),
        Counter("post_evaluations", "开展决策后评估", "Post-evaluations started", "fired", ((MD, "start_post_evaluation"),)),
        Counter("normative_documents_numbered", "规范性文件统一登记编号", "Normative documents registered and numbered",
                "recorded", ((ND, "registration"),)),
        Counter("normative_documents_filing", "规范性文件报备（按期/逾期）", "Normative documents filed (on time / late)",
                "deadline", ((ND, "DL-filing"),)),
        Counter("contracts_reviewed", "政府合同合法性审查", "Government contracts reviewed", "recorded",
                ((GC, "review_opinion"),), by="conclusion"),
        Counter("enforcement_reviews", "重大执法决定法制审核", "Major enforcement decisions reviewed", "recorded",
                ((ER, "review_opinion"),), by="conclusion"),
        Counter("minutes_reviewed", "会议纪要（抄告单）合法性审查", "Meeting minutes reviewed", "recorded",
                ((MR, "legal_opinion"),), by="conclusion"),
        Counter("refused_attempts", "被拒绝的违规流转（按规则）", "Refused transitions, by rule", "refused"),
    ),
    minimums=(
        Minimum("post_evaluation_minimum", "年度决策后评估不少于规定件数", "Yearly minimum of post-evaluations",
                counter="post_evaluations", parameter="annual_post_evaluation_minimum"),
    ),
)

# The 决策事项目录 as a register: where its entries live, for GET /catalogs and `juece catalog`.
CATALOG_REGISTER = {"procedure": "decision_catalog", "record_type": "catalog_item", "year_field": "year"}
