"""Chinese (default) and English for the pages.

Procedure definitions carry their own bilingual labels (``label``/``label_en``, ``title_en``, ``message_en``);
this module holds only the words of the pages themselves, plus a humanised English fallback for the few
definition texts that are Chinese only (field and attribute labels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (Chinese, English). ``{name}`` placeholders are filled with str.format.
TEXTS: dict[str, tuple[str, str]] = {
    "app": ("决策 · 重大行政决策程序", "juece · decision procedures"),
    "skip": ("跳到正文", "Skip to main content"),
    "nav": ("主导航", "Main navigation"),
    "nav.cases": ("案件", "Cases"),
    "nav.procedures": ("程序", "Procedures"),
    "nav.api": ("API 文档", "API docs"),
    "nav.reports": ("统计", "Statistics"),
    "nav.catalog": ("事项目录", "Catalog"),
    "nav.checkpoints": ("检查点", "Checkpoints"),
    "lang.switch": ("English", "中文"),
    "lang.switch.label": ("切换语言", "Switch language"),
    "signed_in_as": ("当前用户：{name}（{role}）", "Signed in as {name} ({role})"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "sign_in.title": ("登录", "Sign in"),
    "sign_in.token": ("API 令牌", "API token"),
    "sign_in.help": ("令牌由管理员以 juece user add 签发。令牌只用于建立本次会话。",
                     "Tokens are issued by an administrator with juece user add. The token only opens this session."),
    "sign_in.bad": ("令牌无效、已撤销或已过期。", "The token is not valid, or was revoked or has expired."),
    "signed_out": ("已退出。", "You are signed out."),
    "csrf.bad": ("表单已过期或来源不明，请重新打开页面后再提交。",
                 "The form has expired or did not come from this site. Reload the page and try again."),
    # case list
    "cases.title": ("案件", "Cases"),
    "cases.filters": ("筛选", "Filters"),
    "cases.q": ("标题包含", "Title contains"),
    "cases.state": ("状态", "State"),
    "cases.procedure": ("程序", "Procedure"),
    "cases.overdue": ("期限", "Deadlines"),
    "cases.overdue.any": ("全部", "All"),
    "cases.overdue.yes": ("已逾期", "Overdue"),
    "cases.overdue.no": ("未逾期", "Not overdue"),
    "cases.any": ("全部", "All"),
    "cases.apply": ("筛选", "Apply"),
    "cases.reset": ("清除", "Clear"),
    "cases.none": ("没有符合条件的案件。", "No case matches."),
    "cases.count": ("共 {total} 件，第 {page}/{pages} 页", "{total} case(s), page {page} of {pages}"),
    "cases.id": ("编号", "No."),
    "cases.case": ("案件", "Case"),
    "cases.blocks": ("下一步及阻碍", "Next steps and what blocks them"),
    "cases.due": ("最近期限", "Next due"),
    "cases.open": ("新建案件", "Open a case"),
    "cases.ready": ("可以进行", "ready"),
    "cases.final": ("已终结", "closed"),
    "pages.prev": ("上一页", "Previous"),
    "pages.next": ("下一页", "Next"),
    "pages.nav": ("分页", "Pages"),
    "overdue": ("已逾期", "overdue"),
    # case page
    "case.procedure": ("程序", "Procedure"),
    "case.jurisdiction": ("辖区", "Jurisdiction"),
    "case.organ": ("决策机关", "Decision organ"),
    "case.unit": ("承办单位", "Undertaking unit"),
    "case.opened_by": ("立案人", "Opened by"),
    "case.version": ("版本", "Version"),
    "case.state": ("当前状态", "Current state"),
    "case.attributes": ("案件属性", "Attributes"),
    "case.diagram": ("程序图（当前状态已标出）", "Procedure diagram (current state marked)"),
    "case.diagram.text": ("当前状态：{state}", "Current state: {state}"),
    "case.checklist": ("下一步：法定要求清单", "Next steps: what the law still requires"),
    "case.checklist.help": ("每一步列出全部规则；未满足的规则写明原因和法律依据。",
                            "Each step lists all its rules; unmet ones say why and cite their legal basis."),
    "case.no_next": ("本状态为终结状态，没有后续步骤。", "This state is final: no further step."),
    "case.ready": ("全部满足", "all rules met"),
    "case.blocked": ("{n} 项未满足", "{n} rule(s) unmet"),
    "case.met": ("已满足", "met"),
    "case.unmet": ("未满足", "unmet"),
    "case.basis": ("法律依据", "Legal basis"),
    "case.details": ("具体情况", "Details"),
    "case.by_roles": ("由 {roles} 执行", "by {roles}"),
    "case.to_state": ("进入：{state}", "leads to: {state}"),
    "case.fire": ("执行：{label}", "Do: {label}"),
    "case.try": ("尝试：{label}（规则未满足，将被拒绝并记录）", "Try: {label} (rules unmet: it will be refused and logged)"),
    "case.note": ("备注（可选）", "Note (optional)"),
    "case.not_your_role": ("您的角色不能执行此步骤。", "Your role may not take this step."),
    "case.records": ("已有记录", "Records"),
    "case.no_records": ("尚无记录。", "No record yet."),
    "case.record.current": ("有效", "counts"),
    "case.record.superseded": ("已被记录 #{id} 更正", "corrected by record #{id}"),
    "case.record.invalidated": ("已因事件 #{seq} 失效", "voided by event #{seq}"),
    "case.record.corrects": ("更正记录 #{id}：{reason}", "corrects record #{id}: {reason}"),
    "case.record.meta": ("#{id} · 事件 {seq} · {who}（{role}）· {at}", "#{id} · event {seq} · {who} ({role}) · {at}"),
    "case.record.attachment": ("附件", "attachment"),
    "case.add": ("添加记录", "Add a record"),
    "case.add.help": ("此状态下您可以录入的记录。表单由记录类型的字段定义生成。",
                      "The records you may add in this state. Each form is generated from the record type's fields."),
    "case.add.none": ("此状态下您的角色没有可录入的记录。", "Your role has no record to add in this state."),
    "case.add.submit": ("保存：{label}", "Save: {label}"),
    "case.add.required": ("必填", "required"),
    "case.add.server_set": ("由系统填写", "filled in by the system"),
    "case.add.list_help": ("每行一项", "one item per line"),
    "case.add.row": ("第 {n} 项", "Item {n}"),
    "case.add.add_row": ("添加一项", "Add an item"),
    "case.add.remove_row": ("删除此项", "Remove this item"),
    "case.add.row_help": ("空白的项会被忽略。", "Blank items are ignored."),
    "case.yes": ("是", "yes"),
    "case.no": ("否", "no"),
    "case.choose": ("请选择", "Choose"),
    "case.correct": ("更正此记录", "Correct this record"),
    "case.correct.title": ("更正记录 #{id}", "correcting record #{id}"),
    "case.correct.help": ("保存后成为一条新记录，记录 #{id} 保留在案卷和事件链中，并标注为已被更正。",
                          "Saved as a new record; record #{id} stays in the case and the chain, marked as corrected."),
    "case.correct.reason": ("更正理由", "Reason for the correction"),
    "case.deadlines": ("期限", "Deadlines"),
    "case.deadline.started": ("起算", "started"),
    "case.deadline.due": ("届满", "due"),
    "case.deadline.met_on": ("完成", "met on"),
    "dl.open": ("进行中", "open"),
    "dl.met": ("已完成", "met"),
    "dl.overdue": ("已逾期", "overdue"),
    "dl.paused": ("中止计算", "paused"),
    "dl.unknown": ("无法计算", "cannot be computed"),
    "case.deadline.none": ("没有已起算的期限。", "No deadline has started."),
    "case.timeline": ("事件时间线", "Timeline"),
    "case.audit": ("审计视图", "Audit view"),
    "case.page": ("案件页", "Case page"),
    "recorded": ("已保存记录 #{id}。", "Record #{id} saved."),
    "fired": ("已执行，案件进入：{state}。", "Done: the case is now in {state}."),
    "opened": ("已新建案件 #{id}。", "Case #{id} opened."),
    "refused": ("未执行", "Not done"),
    "refused.unmet": ("「{label}」被拒绝：以下规则未满足（此次尝试已记入尝试日志）。",
                      "'{label}' was refused: these rules are unmet (the attempt is logged)."),
    "refused.stale": ("案件已被他人更新（现为版本 {current}），您看到的是版本 {given}。请查看最新内容后再操作。",
                      "Someone else changed the case (now version {current}); you saw version {given}. "
                      "Check the current page and try again."),
    "refused.invalid": ("填写的内容有误，请按提示修改。", "Some fields need correcting."),
    "refused.forbidden": ("您的角色无权执行此操作。可以执行的角色：{roles}。", "Your role may not do this. Roles that may: {roles}."),
    "refused.other": ("操作被拒绝：{message}", "Refused: {message}"),
    # open a case
    "open.title": ("新建案件：{procedure}", "Open a case: {procedure}"),
    "open.case_title": ("案件标题", "Case title"),
    "open.submit": ("新建案件", "Open the case"),
    # timeline and audit
    "tl.seq": ("序号", "Seq"),
    "tl.at": ("时间（北京时间）", "Time (UTC+8)"),
    "tl.who": ("操作人", "Who"),
    "tl.role": ("角色", "Role"),
    "tl.kind": ("事件", "Event"),
    "tl.what": ("内容", "What"),
    "tl.hash": ("哈希", "Hash"),
    "tl.attempts": ("被拒绝的尝试", "Refused attempts"),
    "tl.attempts.none": ("没有被拒绝的尝试。", "No refused attempt."),
    "tl.trigger": ("步骤", "Step"),
    "tl.outcome": ("结果", "Outcome"),
    "tl.unmet": ("未满足的规则", "Unmet rules"),
    "tl.state": ("当时状态", "State then"),
    "tl.version": ("当时版本", "Version then"),
    "kind.case_opened": ("立案", "case opened"),
    "kind.record_added": ("添加记录", "record added"),
    "kind.attribute_changed": ("变更属性", "attribute changed"),
    "kind.transition": ("状态转换", "transition"),
    "audit.title": ("审计视图", "Audit view"),
    "audit.replay": ("回放", "Replay"),
    "audit.replay.help": ("拖动滑块，查看案件在每个事件之后的样子。",
                          "Drag the slider to see the case as it stood after each event."),
    "audit.slider": ("事件序号", "Event number"),
    "audit.show": ("显示", "Show"),
    "audit.as_of": ("事件 {seq}/{total} 之后（{at}）：{kind}", "After event {seq} of {total} ({at}): {kind}"),
    "audit.steps": ("逐个事件", "Event by event"),
    "audit.verify": ("事件链校验", "Chain verification"),
    "audit.verify.ok": ("事件链完整：{events} 个事件，链头 {head}", "Chain verified: {events} events, head {head}"),
    "audit.verify.broken": ("事件链已损坏：事件 {seq}。{reason}", "Chain broken at event {seq}. {reason}"),
    "audit.verify.broken_nowhere": ("事件链与数据表不一致：{reason}", "The chain and the tables disagree: {reason}"),
    "audit.compliance": ("合规复核", "Compliance re-check"),
    "audit.compliance.ok": ("已复核 {n} 次状态转换，未发现问题。", "{n} transition(s) re-checked: no finding."),
    "audit.compliance.bad": ("已复核 {n} 次状态转换，发现 {f} 个问题：", "{n} transition(s) re-checked, {f} finding(s):"),
    "audit.checklist_then": ("当时的法定要求清单", "The checklist as it stood then"),
    "audit.records_then": ("当时的记录", "Records as they stood then"),
    # procedures
    "proc.title": ("程序", "Procedures"),
    "proc.version": ("版本 {v}", "version {v}"),
    "proc.states": ("状态", "States"),
    "proc.final": ("终结", "final"),
    "proc.initial": ("起始", "initial"),
    "proc.triggers": ("步骤", "Steps"),
    "proc.rules": ("规则及法律依据", "Rules and their legal basis"),
    "proc.record_types": ("记录类型", "Record types"),
    "proc.fields": ("字段", "Fields"),
    "proc.roles": ("录入角色", "Recorded by"),
    "proc.accepted_in": ("可录入的状态", "Accepted in"),
    "proc.deadlines": ("期限", "Deadlines"),
    "proc.deadline.days": ("期限：{days}（{unit}）", "limit: {days} ({unit})"),
    "proc.deadline.from": ("自「{start}」起，至「{met}」止", "from '{start}' until '{met}'"),
    "proc.deadline.before": ("在该日期之前", "before that date"),
    "proc.deadline.tolled": ("在以下状态中止计算：{states}", "paused while in: {states}"),
    "proc.attributes": ("案件属性", "Case attributes"),
    "proc.diagram": ("程序图", "Procedure diagram"),
    "proc.invalidates": ("执行后不再有效的记录：{types}（依据 {rule}）", "Records that stop counting: {types} (per {rule})"),
    "proc.openers": ("可以新建案件的角色：{roles}", "Roles that may open a case: {roles}"),
    "proc.kind": ("类型", "Kind"),
    "proc.choices": ("可选值", "Choices"),
    # annual statistics
    "report.filters": ("选择年度和决策机关", "Choose the year and the decision organ"),
    "report.year": ("年度", "Year"),
    "report.year.bad": ("年度应为 {range} 之间的整数。", "The year must be a whole number in {range}."),
    "report.organ": ("决策机关", "Decision organ"),
    "report.all_organs": ("全部决策机关", "All decision organs"),
    "report.show": ("显示", "Show"),
    "report.csv": ("导出 CSV", "Export CSV"),
    "report.csv.help": ("每项统计一行、每个分项一行（UTF-8，可用电子表格打开）。",
                        "One row per figure and per breakdown entry (UTF-8, opens in a spreadsheet)."),
    "report.scope": ("{year} 年度 · {organ} · 共 {cases} 件案件 · 生成于 {at}",
                     "{year} · {organ} · {cases} case(s) · generated {at}"),
    "report.chart": ("各项统计", "Every figure"),
    "report.chart.help": ("条形长度与数值成正比；准确数值见下表。",
                          "Bar lengths are proportional to the values; the table below gives every figure."),
    "report.figures": ("统计数据", "Figures"),
    "report.counter": ("统计项", "Figure"),
    "report.value": ("数值", "Value"),
    "report.breakdown": ("分项", "Breakdown"),
    "report.breakdowns": ("分项图", "Breakdowns"),
    "report.checks": ("年度最低件数", "Yearly minimums"),
    "report.checks.none": ("所选范围内没有辖区规定年度最低件数。",
                           "No jurisdiction in this selection sets a yearly minimum."),
    "report.check.jurisdiction": ("辖区", "Jurisdiction"),
    "report.check.required": ("要求", "Required"),
    "report.check.actual": ("实际", "Actual"),
    "report.check.ok": ("达到", "met"),
    "report.check.short": ("未达到", "short"),
    "report.check.source": ("依据", "Source"),
    "report.none": ("请选择年度。", "Choose a year."),
    "breakdown.met_on_time": ("按期", "on time"),
    "breakdown.met_late": ("逾期完成", "late"),
    "breakdown.overdue": ("已逾期", "overdue"),
    "breakdown.open": ("未到期", "not yet due"),
    # the decision catalog (a register kept as cases)
    "catalog.filters": ("选择决策机关和年度", "Choose the decision organ and the year"),
    "catalog.none": ("还没有任何决策机关建立目录。", "No decision organ has a catalog yet."),
    "catalog.empty": ("{organ} 没有 {year} 年度的目录事项。", "{organ} has no catalog item for {year}."),
    "catalog.case": ("目录案件 #{id}：{title}", "Catalog case #{id}: {title}"),
    "catalog.state": ("状态", "State"),
    "catalog.edit": ("在案件页添加或调整事项", "Add or adjust items on its case page"),
    "catalog.entries": ("{n} 个事项", "{n} item(s)"),
    "catalog.record": ("记录", "Record"),
    "catalog.linked": ("引用此事项的决策案件", "Decision cases naming this item"),
    "catalog.linked.none": ("尚无", "none yet"),
    # attachments
    "att.label": ("附件（可多选）", "Attachments (several allowed)"),
    "att.help": ("每个文件不超过 {size}，最多 {n} 个；接受：{types}。文件与记录一起保存，其 sha256 记入记录。",
                 "Each file up to {size}, at most {n}; accepted: {types}. The files are saved with the record, "
                 "which cites their sha256."),
    "att.keep": ("保留被更正记录的附件", "Keep the corrected record's attachments"),
    "att.download": ("下载", "Download"),
    "att.size": ("{kb} KB", "{kb} KB"),
    "att.refused.type": ("文件「{name}」未保存：类型不被接受，或内容与其类型不符。接受：{types}。记录也未保存。",
                         "'{name}' was not saved: its type is not accepted, or its content is not of that type. "
                         "Accepted: {types}. The record was not saved either."),
    "att.refused.size": ("文件「{name}」超过 {size}，未保存。记录也未保存。",
                         "'{name}' is larger than {size} and was not saved. The record was not saved either."),
    "att.refused.count": ("一次最多附 {n} 个文件。未保存任何内容。", "At most {n} files at a time. Nothing was saved."),
    "att.refused.empty": ("文件「{name}」是空的。未保存任何内容。", "'{name}' is empty. Nothing was saved."),
    "att.refused.body": ("上传的内容过大（合计不超过 {size}）。未保存任何内容。",
                         "The upload is too large (at most {size} in all). Nothing was saved."),
    "att.refused.reselect": ("请重新选择要附上的文件。", "Please choose the files to attach again."),
    # dossier and checkpoints
    "dossier.title": ("案卷", "Dossier"),
    "dossier.download": ("下载案卷", "Download dossier"),
    "dossier.help": ("案卷是一个 zip 文件：事件链、全部记录和附件、被拒绝的尝试、合规复核、适用规则、签名检查点和校验程序。"
                     "解压后运行 python verify.py 即可离线校验，无需本系统。",
                     "The dossier is one zip: the event chain, every record and attachment, refused attempts, the "
                     "compliance re-check, the rules, a signed checkpoint and a verifier. Unpack it and run "
                     "python verify.py to check it offline, without juece."),
    "dossier.how": ("如何校验案卷", "How to verify a dossier"),
    "verify.title": ("如何校验案卷", "How to verify a dossier"),
    "verify.intro": ("案卷可以在任何装有 Python 3.10 或更高版本的电脑上校验，无需联网，也无需本系统或任何第三方软件包。",
                     "A dossier can be checked on any computer with Python 3.10 or later: no network, no juece, "
                     "no third-party package."),
    "verify.step1": ("在案件的审计视图中点击「下载案卷」。", "On the case's audit view, press 'Download dossier'."),
    "verify.step2": ("把 zip 文件复制到用于校验的电脑并解压。", "Copy the zip to the computer that checks it and unpack it."),
    "verify.step3": ("在解压后的目录中运行：", "In the unpacked folder, run:"),
    "verify.step3.more": ("也可以直接校验 zip：python verify.py case.zip；加 --json 输出机器可读的结果。",
                          "Or check the zip itself: python verify.py case.zip; add --json for a machine-readable report."),
    "verify.step4": ("最后一行为 VERIFIED 校验通过（退出码 0）或 NOT VERIFIED 校验未通过（退出码 1）；每个 PROBLEM 行指出出问题的文件、事件或记录。",
                     "The last line says VERIFIED (exit 0) or NOT VERIFIED (exit 1); each PROBLEM line names the "
                     "file, event or record at fault."),
    "verify.step5": ("把 verify.py 打印的密钥指纹与本机关公布的指纹比对（检查点页列出了指纹）。指纹一致，签名才是本机关的。",
                     "Compare the key fingerprint verify.py prints with the one the office publishes (the checkpoints "
                     "page lists it). Only a matching fingerprint makes the signature the office's."),
    "verify.limits": ("校验证明记录自签署以来未被更改，以及由谁、在何时记录；它不证明所记录的事实本身属实。",
                      "Verification proves who recorded what and when, and that nothing changed since it was "
                      "signed; it does not prove the recorded facts true."),
    "cp.title": ("签名检查点", "Signed checkpoints"),
    "cp.help": ("检查点是对全局事件链某一位置哈希的 Ed25519 签名。请定期下载列表并保存在数据库之外（档案、审计机关、纸质），"
                "日后可据此发现被截断或改写的历史。",
                "A checkpoint is an Ed25519 signature over the global chain's hash at a position. Download the "
                "list regularly and keep it outside the database (the archive, the auditors, print): it later "
                "reveals a truncated or rewritten history."),
    "cp.sign": ("立即签署", "Sign now"),
    "cp.sign.help": ("签署全局事件链当前的链头。", "Sign the global chain's current head."),
    "cp.signed": ("已签署检查点：全局位置 {seq}。", "Checkpoint signed at global position {seq}."),
    "cp.download": ("下载检查点列表（JSON）", "Download the checkpoints (JSON)"),
    "cp.download.help": ("可用 juece checkpoint verify 文件名 校验。", "Check it later with juece checkpoint verify FILE."),
    "cp.none": ("还没有签名检查点。", "No signed checkpoint yet."),
    "cp.count": ("共 {total} 个，第 {page}/{pages} 页", "{total} checkpoint(s), page {page} of {pages}"),
    "cp.position": ("全局位置", "Global position"),
    "cp.at": ("签署时间（北京时间）", "Signed at (UTC+8)"),
    "cp.key": ("密钥指纹", "Key fingerprint"),
    "cp.verdict": ("校验结果", "Verdict"),
    "cp.ok": ("有效", "valid"),
    "cp.bad": ("无效", "invalid"),
    "cp.current_key": ("本服务器当前密钥", "this server's current key"),
    "cp.hash": ("链哈希", "Chain hash"),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.404": ("找不到该页面或案件。", "No such page or case."),
    "error.back": ("返回案件列表", "Back to the cases"),
    "error.internal": ("系统内部错误，已记入日志。", "An internal error occurred; it has been logged."),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}

# Roles and field kinds the engine itself knows of; a procedure's other roles are shown humanised.
ROLES: dict[str, tuple[str, str]] = {
    "undertaking_unit": ("承办单位", "Undertaking unit"),
    "legal_office": ("法制机构", "Legal office"),
    "decision_organ": ("决策机关", "Decision organ"),
    "auditor": ("审计", "Auditor"),
    "admin": ("管理员", "Administrator"),
}
FIELD_KINDS: dict[str, tuple[str, str]] = {
    "string": ("文本", "text"),
    "text": ("长文本", "long text"),
    "date": ("日期", "date"),
    "bool": ("是/否", "yes/no"),
    "int": ("整数", "whole number"),
    "string_list": ("列表", "list"),
    "choice": ("选项", "choice"),
    "object_list": ("多项", "list of items"),
}

# Short names of the document types an upload may have (workflow.services.attachments.SIGNATURES).
OOXML = "application/vnd.openxmlformats-officedocument."
MEDIA_NAMES: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF", "PDF"),
    "application/ofd": ("OFD", "OFD"),
    "image/png": ("PNG", "PNG"),
    "image/jpeg": ("JPEG", "JPEG"),
    "application/zip": ("ZIP", "ZIP"),
    f"{OOXML}wordprocessingml.document": ("Word (docx)", "Word (docx)"),
    f"{OOXML}spreadsheetml.sheet": ("Excel (xlsx)", "Excel (xlsx)"),
    f"{OOXML}presentationml.presentation": ("PowerPoint (pptx)", "PowerPoint (pptx)"),
    "application/msword": ("Word (doc)", "Word (doc)"),
    "application/vnd.ms-excel": ("Excel (xls)", "Excel (xls)"),
    "text/plain": ("纯文本", "plain text"),
}


def media_name(lang: str, content_type: str) -> str:
    pair = MEDIA_NAMES.get(content_type)
    if pair is None:
        return content_type
    return pair[1] if lang == "en" else pair[0]


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def text(lang: str, key: str, **values: Any) -> str:
    zh, en = TEXTS[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template


def humanise(name: str) -> str:
    """``decided_on`` → ``Decided on``: the English fallback for a definition's Chinese-only label."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def label(lang: str, item: Any) -> str:
    """The label of a definition object or of its ``to_dict()`` form, in ``lang``."""
    if isinstance(item, Mapping):
        value = item.get("label", item.get("title", item.get("message")))
        if isinstance(value, Mapping):
            return str(value.get(lang) or value.get("zh") or "")
        if lang == "en":
            return humanise(str(item.get("name", value)))
        return str(value)
    for attribute in ("label", "title", "message"):
        english = getattr(item, f"{attribute}_en", None)
        if english is not None:
            if lang == "en":  # a field or attribute without its English label: its name, humanised
                return str(english) if english else humanise(getattr(item, "name", ""))
            return str(getattr(item, attribute, None) or getattr(item, f"{attribute}_zh"))
    if lang == "en":
        return humanise(item.name)
    return str(item.label)


def choice(lang: str, item: Any, code: Any) -> str:
    """How a choice code of a field or attribute reads (its ``choice_labels``), else the code itself."""
    for value, zh, en in getattr(item, "choice_labels", ()) or ():
        if value == code:
            return str(en if lang == "en" else zh)
    return str(code)


def role(lang: str, name: str) -> str:
    pair = ROLES.get(name)
    if pair is None:
        return humanise(name)
    return pair[1] if lang == "en" else pair[0]


def field_kind(lang: str, kind: str) -> str:
    pair = FIELD_KINDS.get(kind, (kind, kind))
    return pair[1] if lang == "en" else pair[0]
