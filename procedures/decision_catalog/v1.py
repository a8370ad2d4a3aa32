"""决策事项目录 — the catalog of major administrative decision matters of one organ for one year, version 1.

One case per decision organ and year. Items are records; an adjustment is a correction of an item (its
reason is required and chained) or a new item, made after an adjustment is opened with its reason; each
version of the catalog is published only after the same-level Party committee has agreed (条例 art. 3(3)).
A major_decision case (v3) links to a published item through its ``catalog_entry`` when the jurisdiction
manages its catalog in juece (``catalog_linked``), which is how MD-02 is enforced through the catalog.

Sources: 条例第三条第三款; seeds 000 (九) 甘肃 目录化管理, 001 #9 潜江 每年年初报送目录, 003 #14 辽宁 提出、调整、公布.
"""

from __future__ import annotations

from procedures.fields import JURISDICTION
from workflow.definition import Attribute, Basis, Field, Procedure, RecordType, Rule, State, Trigger
from workflow.rules import CountAtLeast, Equals, Latest, NotBlank

TIAOLI = "《重大行政决策程序暂行条例》(国务院令第713号)"
ORGAN, UNDERTAKING = "decision_organ", "undertaking_unit"

STATES = (
    State("drafting", "编制目录", "Drafting"),
    State("consent", "报请同级党委同意", "Awaiting Party committee consent"),
    State("published", "已公布", "Published"),
    State("adjusting", "调整中", "Adjusting"),
)

ATTRIBUTES = (
    JURISDICTION,
    Attribute("year", "string", "目录年度", default="", label_en="Year of the catalog"),
)

RECORD_TYPES = (
    RecordType("catalog_item", "目录事项", "Catalog item", (
        Field("year", "int", "年度", label_en="Year"),
        Field("item_no", "string", "目录序号", label_en="Catalog item number"),
        Field("title", "string", "决策事项名称", label_en="Decision matter"),
        Field("undertaking_unit", "string", "承办单位", label_en="Undertaking unit"),
        Field("grounds", "text", "列入理由和依据", label_en="Reasons and grounds for listing"),
        Field("planned_time", "string", "计划完成时间", required=False, label_en="Planned completion"),
        Field("status", "choice", "状态", choices=("listed", "withdrawn"), label_en="Status", choice_labels=(
            ("listed", "列入目录", "Listed"),
            ("withdrawn", "调出目录", "Withdrawn"),
        )),
    ), (ORGAN, UNDERTAKING), ("drafting", "adjusting")),
    RecordType("adjustment_reason", "目录调整说明", "Reason for adjusting the catalog", (
        Field("reason", "text", "调整理由", label_en="Reason for the adjustment"),
        Field("decided_on", "date", "决定调整日期", label_en="Date the adjustment was decided"),
    ), (ORGAN,), ("published",)),
    RecordType("party_consent", "同级党委同意意见", "Party committee consent", (
        Field("consented_on", "date", "同意日期", label_en="Date of consent"),
        Field("reference_no", "string", "文号", label_en="Document number"),
    ), (ORGAN,), ("consent",)),
    RecordType("catalog_publication", "目录公布", "Publication of the catalog", (
        Field("published_on", "date", "公布日期", label_en="Date published"),
        Field("channel", "choice", "公布渠道", choices=("gazette", "government_website", "newspaper"),
              label_en="Channel of publication", choice_labels=(
                  ("gazette", "政府公报", "Government gazette"),
                  ("government_website", "政府网站", "Government website"),
                  ("newspaper", "本地报纸", "Local newspaper"),
              )),
    ), (ORGAN,), ("consent",)),
)

RULES = (
    Rule("DC-01", "目录中尚无列入的决策事项", "The catalog lists no decision matter",
         Basis(TIAOLI, "第三条第三款", "确定决策事项目录、标准"),
         CountAtLeast("catalog_item", 1, (Equals("status", "listed"),))),
    Rule("DC-02", "目录公布前须经同级党委同意", "The catalog needs the same-level Party committee's consent before publication",
         Basis(TIAOLI, "第三条第三款", "经同级党委同意后向社会公布"),
         Latest("party_consent", (NotBlank("reference_no"),), since="submit_for_consent")),
    Rule("DC-03", "尚无目录公布记录", "No record of publishing the catalog",
         Basis(TIAOLI, "第三条第三款", "经同级党委同意后向社会公布"),
         Latest("catalog_publication", since="submit_for_consent")),
    Rule("DC-04", "调整目录须说明理由", "Adjusting the catalog needs a stated reason",
         Basis(TIAOLI, "第三条第三款", "并根据实际情况调整"),
         Latest("adjustment_reason", (NotBlank("reason"),), since="publish")),
)

TRIGGERS = (
    Trigger("submit_for_consent", "报请党委同意", "Submit for consent", ("drafting", "adjusting"), "consent",
            ("DC-01",), (ORGAN,)),
    Trigger("publish", "公布目录", "Publish", ("consent",), "published", ("DC-02", "DC-03"), (ORGAN,)),
    Trigger("adjust", "调整目录", "Adjust", ("published",), "adjusting", ("DC-04",), (ORGAN,)),
)

PROCEDURE = Procedure(
    name="decision_catalog",
    version=1,
    title="重大行政决策事项目录",
    title_en="Catalog of major decision matters",
    roles=(ORGAN, UNDERTAKING),
    states=STATES,
    initial="drafting",
    triggers=TRIGGERS,
    rules=RULES,
    record_types=RECORD_TYPES,
    attributes=ATTRIBUTES,
    case_opener_roles=(ORGAN,),
)
