"""marshmallow schemas of the API: ``*InSchema`` for requests, the rest for responses."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import INCLUDE, RAISE, Schema, fields, validate

from workflow.validation import MAX_ID


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


# -- errors -----------------------------------------------------------------------------------------


class BasisSchema(Schema):
    instrument = fields.String(required=True)
    article = fields.String(required=True)
    quote = fields.String(required=True)


class UnmetRuleSchema(Schema):
    rule = fields.String(required=True, metadata={"description": "rule id, e.g. MD-20"})
    message = fields.String(required=True, metadata={"description": "what is unmet (zh by default, en with ?lang=en)"})
    message_en = fields.String(required=True)
    basis = fields.Nested(BasisSchema, required=True)
    details = fields.List(fields.String(), required=True)


class ErrorSchema(Schema):
    """Every error response. Details depend on ``error``; see docs/api.md."""

    class Meta:
        unknown = INCLUDE  # published with additionalProperties: the details vary by error

    error = fields.String(required=True)
    message = fields.String(required=True)
    unmet = fields.List(fields.Nested(UnmetRuleSchema))
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.Raw())
    allowed_roles = fields.List(fields.String())
    available = fields.List(fields.String())
    accepted_in = fields.List(fields.String())
    current_version = fields.Integer()
    trigger = fields.String()
    state = fields.String()
    role = fields.String()
    case_id = fields.Integer()
    procedure = fields.String()
    record_type = fields.String()
    jurisdiction = fields.String()


# -- procedures -------------------------------------------------------------------------------------


class LabelSchema(Schema):
    zh = fields.String(required=True)
    en = fields.String(required=True)


class ProcedureSummarySchema(Schema):
    name = fields.String(required=True)
    title = fields.Nested(LabelSchema, required=True)
    version = fields.Integer(required=True)
    jurisdictions = fields.List(fields.String(), required=True)


class ProcedureSchema(Schema):
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.Nested(LabelSchema, required=True)
    roles = fields.List(fields.String(), required=True)
    initial = fields.String(required=True)
    states = fields.List(fields.Dict(), required=True)
    triggers = fields.List(fields.Dict(), required=True)
    rules = fields.List(fields.Dict(), required=True)
    record_types = fields.List(fields.Dict(), required=True)
    attributes = fields.List(fields.Dict(), required=True)
    jurisdictions = fields.List(fields.Dict(), required=True)


class DiagramQuerySchema(StrictSchema):
    case = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "highlight this case's state"})


class DiagramSchema(Schema):
    procedure = fields.String(required=True)
    version = fields.Integer(required=True)
    highlight = fields.String(allow_none=True, required=True)
    mermaid = fields.String(required=True, metadata={"description": "Mermaid stateDiagram-v2 text"})


# -- cases ------------------------------------------------------------------------------------------


class OpenCaseInSchema(StrictSchema):
    procedure = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    decision_organ = fields.String(required=True, validate=validate.Length(min=1, max=200))
    undertaking_unit = fields.String(required=True, validate=validate.Length(min=1, max=200))
    attributes = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


class CaseQuerySchema(StrictSchema):
    state = fields.String(validate=validate.Length(max=64))
    procedure = fields.String(validate=validate.Length(max=64))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "search in titles"})
    overdue = fields.Boolean(metadata={"description": "only cases with (true) or without (false) an overdue deadline"})


class CaseSummarySchema(Schema):
    id = fields.Integer(required=True)
    procedure = fields.String(required=True)
    procedure_version = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    version = fields.Integer(required=True)
    opened_at = fields.String(required=True)
    head_hash = fields.String(required=True)
    next_due_on = fields.String(allow_none=True, required=True, metadata={"description": "earliest open deadline"})


class RecordSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    data = fields.Dict(required=True)
    sha256 = fields.String(required=True)
    seq = fields.Integer(required=True, metadata={"description": "the case event that added it"})
    recorded_at = fields.String(required=True)
    recorded_by = fields.String(required=True)
    role = fields.String(required=True)
    supersedes = fields.Integer(allow_none=True, required=True)
    reason = fields.String(allow_none=True, required=True)
    superseded_by = fields.Integer(allow_none=True, required=True)
    invalidated_by_seq = fields.Integer(allow_none=True, required=True)
    current = fields.Boolean(required=True, metadata={"description": "counts for the rules now"})
    attachments = fields.List(fields.String(), required=True, metadata={"description": "sha256 of each attached file"})


class RecordCreatedSchema(RecordSchema):
    case_version = fields.Integer(required=True)


class NextTriggerSchema(Schema):
    trigger = fields.String(required=True)
    label = fields.String(required=True)
    dest = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    allowed = fields.Boolean(required=True, metadata={"description": "every rule guarding it holds now"})
    unmet = fields.List(fields.Nested(UnmetRuleSchema), required=True)


class DeadlineStartSchema(Schema):
    trigger = fields.String(metadata={"description": "the trigger whose last firing starts it"})
    record_type = fields.String(metadata={"description": "or: the record type holding the start date"})
    field = fields.String()


class TolledSpanSchema(Schema):
    from_ = fields.String(data_key="from", required=True)
    to = fields.String(required=True)


class DeadlineComputationSchema(Schema):
    calendar = fields.String(required=True)
    tolled = fields.List(fields.Nested(TolledSpanSchema), required=True)
    tolled_days = fields.Integer(required=True)
    paused_since = fields.String(allow_none=True, required=True)
    rolled_from = fields.String(allow_none=True, required=True, metadata={"description": "a rest day moved past"})
    text = fields.Nested(LabelSchema, required=True, metadata={"description": "how the due date was computed"})


class DeadlineSchema(Schema):
    id = fields.String(required=True)
    label = fields.Nested(LabelSchema, required=True)
    starts_on = fields.Nested(DeadlineStartSchema, required=True)
    met_by = fields.List(fields.String(), required=True)
    days_parameter = fields.Raw(required=True, metadata={"description": "the profile parameter, or a fixed number"})
    days = fields.Integer(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(["working", "calendar"]))
    before = fields.Boolean(required=True)
    tolled_in = fields.List(fields.String(), required=True)
    basis = fields.Nested(BasisSchema, required=True)
    started_on = fields.String(required=True)
    due_on = fields.String(allow_none=True, required=True)
    met_on = fields.String(allow_none=True, required=True)
    problem = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(["open", "met", "paused", "overdue", "unknown"]))
    overdue = fields.Boolean(required=True)
    computation = fields.Nested(DeadlineComputationSchema, required=True)


class CaseSchema(CaseSummarySchema):
    state_label = fields.String(required=True)
    decision_organ = fields.String(required=True)
    undertaking_unit = fields.String(required=True)
    attributes = fields.Dict(required=True)
    opened_by = fields.String(required=True)
    records = fields.List(fields.Nested(RecordSchema), required=True)
    next = fields.List(fields.Nested(NextTriggerSchema), required=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema), required=True, metadata={"description": "time limits, not guards"})


class LangQuerySchema(StrictSchema):
    lang = fields.String(validate=validate.OneOf(["zh", "en"]), load_default="zh")


class AddRecordInSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(required=True, metadata={"description": "fields of the record type (GET /procedures/{name})"})
    supersedes = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000))
    attachments = fields.List(fields.String(validate=validate.Regexp(r"^[0-9a-f]{64}$")),
                              validate=validate.Length(max=50),
                              metadata={"description": "sha256 of files uploaded with POST /attachments"})


class FireInSchema(StrictSchema):
    trigger = fields.String(required=True, validate=validate.Length(min=1, max=64))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class TransitionResultSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    version = fields.Integer(required=True)
    invalidated = fields.List(fields.Integer(), required=True, metadata={"description": "records that no longer count"})


# -- audit ------------------------------------------------------------------------------------------


class EventSchema(Schema):
    seq = fields.Integer(required=True)
    global_seq = fields.Integer(required=True)
    at = fields.String(required=True)
    actor = fields.String(required=True)
    role = fields.String(required=True)
    kind = fields.String(required=True)
    payload = fields.Dict(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)
    prev_global_hash = fields.String(required=True)
    global_hash = fields.String(required=True)


class VerificationSchema(Schema):
    ok = fields.Boolean(required=True)
    events = fields.Integer(required=True)
    head = fields.String(required=True)
    broken_at = fields.Integer(allow_none=True, required=True)
    reason = fields.String(allow_none=True, required=True)


class CaseVerificationSchema(VerificationSchema):
    case_id = fields.Integer(required=True)


class NumberingCheckSchema(Schema):
    ok = fields.Boolean(required=True)
    numbered_records = fields.Integer(required=True)
    scopes = fields.Integer(required=True)
    problems = fields.List(fields.String(), required=True,
                           metadata={"description": "numbers that are not what the numbering gives: gaps, repeats, edits"})


class CheckpointSchema(Schema):
    id = fields.Integer()
    global_seq = fields.Integer(required=True)
    global_hash = fields.String(required=True)
    signed_at = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "raw Ed25519 public key, hex"})
    key_id = fields.String(required=True, metadata={"description": "sha256 of the public key: compare with the published one"})
    signature = fields.String(required=True, metadata={"description": "Ed25519 signature, hex (docs/auditing.md)"})
    ok = fields.Boolean(metadata={"description": "the signature verifies and the chain still holds this hash here"})
    problems = fields.List(fields.String())
    current_key = fields.Boolean()


class CheckpointCheckSchema(Schema):
    ok = fields.Boolean(required=True)
    checked = fields.Integer(required=True)
    failures = fields.List(fields.Nested(CheckpointSchema), required=True)


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "the document; its part's Content-Type must match its bytes"})


class AttachmentSchema(Schema):
    sha256 = fields.String(required=True)
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)
    filename = fields.String(required=True)
    uploaded_at = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    role = fields.String(required=True)


class VerifyCheckpointsInSchema(StrictSchema):
    checkpoints = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=10000),
                              metadata={"description": "checkpoints kept outside the database, as listed"})


class CheckpointsVerificationSchema(Schema):
    ok = fields.Boolean(required=True)
    checked = fields.Integer(required=True)
    chain_head_seq = fields.Integer(required=True)
    failures = fields.List(fields.Nested(CheckpointSchema), required=True)


class AuditVerificationSchema(Schema):
    ok = fields.Boolean(required=True)
    global_ = fields.Nested(VerificationSchema, data_key="global", attribute="global", required=True)
    numbering = fields.Nested(NumberingCheckSchema, required=True)
    checkpoints = fields.Nested(CheckpointCheckSchema, required=True)
    cases = fields.List(fields.Nested(CaseVerificationSchema), required=True)


class ReplayQuerySchema(StrictSchema):
    seq = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    at = fields.AwareDateTime(metadata={"description": "ISO 8601 with a UTC offset"})


class ReplaySchema(Schema):
    case_id = fields.Integer(required=True)
    procedure = fields.String(required=True)
    procedure_version = fields.Integer(required=True)
    jurisdiction = fields.String(required=True)
    title = fields.String(required=True)
    decision_organ = fields.String(required=True)
    undertaking_unit = fields.String(required=True)
    state = fields.String(required=True)
    attributes = fields.Dict(required=True)
    records = fields.List(fields.Nested(RecordSchema), required=True)
    as_of_seq = fields.Integer(required=True)
    as_of = fields.String(allow_none=True, required=True)
    head_hash = fields.String(required=True)


class AttemptSchema(Schema):
    id = fields.Integer(required=True)
    at = fields.String(required=True)
    actor = fields.String(required=True)
    role = fields.String(required=True)
    trigger = fields.String(required=True)
    state = fields.String(required=True)
    case_version = fields.Integer(required=True)
    outcome = fields.String(required=True)
    unmet = fields.List(fields.Nested(UnmetRuleSchema), required=True)


class FindingSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True)
    trigger = fields.String(required=True)
    actor = fields.String(required=True)
    problem = fields.String(required=True)
    unmet = fields.List(fields.Nested(UnmetRuleSchema))


class ComplianceSchema(Schema):
    case_id = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    transitions_checked = fields.Integer(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)


class HealthSchema(Schema):
    ok = fields.Boolean(required=True)
    database = fields.String(required=True)


class AnnualReportQuerySchema(StrictSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    organ = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "a decision organ; all if absent"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class ReportCounterSchema(Schema):
    id = fields.String(required=True)
    label = fields.Nested(LabelSchema, required=True)
    kind = fields.String(required=True)
    sources = fields.List(fields.Raw(), required=True)
    by = fields.String(allow_none=True, required=True)
    value = fields.Integer(required=True)
    breakdown = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ReportCheckSchema(Schema):
    id = fields.String(required=True)
    label = fields.Nested(LabelSchema, required=True)
    jurisdiction = fields.String(required=True)
    counter = fields.String(required=True)
    required = fields.Integer(required=True)
    actual = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    source = fields.String(required=True)


class AnnualReportSchema(Schema):
    report = fields.String(required=True)
    title = fields.Nested(LabelSchema, required=True)
    year = fields.Integer(required=True)
    organ = fields.String(allow_none=True, required=True)
    cases = fields.Integer(required=True)
    generated_at = fields.String(required=True)
    counters = fields.List(fields.Nested(ReportCounterSchema), required=True)
    checks = fields.List(fields.Nested(ReportCheckSchema), required=True, metadata={"description": "yearly minimums"})


class CatalogQuerySchema(StrictSchema):
    organ = fields.String(required=True, validate=validate.Length(min=1, max=200))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class LinkedCaseSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)


class RegisterEntrySchema(Schema):
    record_id = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    data = fields.Dict(required=True)
    linked_cases = fields.List(fields.Nested(LinkedCaseSchema), required=True)


class RegisterSchema(Schema):
    case_id = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    entries = fields.List(fields.Nested(RegisterEntrySchema), required=True)


class CatalogViewSchema(Schema):
    procedure = fields.String(required=True)
    organ = fields.String(required=True)
    year = fields.Integer(required=True)
    registers = fields.List(fields.Nested(RegisterSchema), required=True)
