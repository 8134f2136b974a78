"""Every form of the app that takes typed values: who posts it, where, its form class and a
valid submission. Tests walk this list (tests/web/test_form_input.py), so a form missing here
fails `test_every_form_route_is_catalogued`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from crm.auth.forms import LoginForm, PasswordChangeForm, ResetPasswordForm, TeamForm, UserForm
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.campaigns import forms as campaign_forms
from crm.campaigns.forms import CampaignForm, CostForm, MinutesForm
from crm.campaigns.models import Campaign
from crm.care.forms import ArchiveForm, RevisitForm
from crm.care.models import Revisit, ServiceArchive
from crm.channel.forms import (
    AdjustForm,
    AgreementForm,
    ApplicationForm,
    DealerContactForm,
    DealerForm,
    DecisionForm,
    EndAgreementForm,
    MaterialForm,
    TrainingForm,
)
from crm.channel.models import (
    Agreement,
    DealerContact,
    DealerScore,
    MaterialHandout,
)
from crm.contracts.forms import (
    CollectionStepForm,
    DeliveryForm,
    DocumentForm,
    PaymentForm,
    PromiseForm,
    ScheduleForm,
    StatusForm,
)
from crm.contracts.models import Contract
from crm.customers.forms import ContactForm, CustomerForm
from crm.customers.models import Contact, Customer
from crm.deadlines.calendars import default_calendar_id
from crm.deadlines.forms import CalendarForm, DayForm, ImportForm, KindForm
from crm.extensions import db
from crm.feedback.forms import ActedForm
from crm.followups import KIND as FOLLOWUP_KIND
from crm.followups import services as followups
from crm.followups.forms import CompleteForm, FollowUpForm, RescheduleForm
from crm.followups.models import FollowUp
from crm.sales.forms import (
    DealForm,
    InlineAmountForm,
    LeadForm,
    NewDealForm,
    ProductForm,
    SignForm,
)
from crm.sales.models import Deal, Lead
from crm.satisfaction.forms import AnswerForm
from crm.satisfaction.models import Survey
from crm.service.forms import CallForm, ComplaintForm, NoteForm
from crm.service.models import Complaint
from crm.settings.forms import settings_form_class
from crm.settings.registry import DEFINITIONS
from tests.clock import server_day
from tests.sample_records import sample_records


@dataclass(frozen=True)
class Entry:
    endpoint: str
    username: str | None  # None: posted without logging in
    form_class: Callable
    url: Callable  # ids -> URL
    data: Callable  # ids -> a valid submission (read again before every post)
    error_mark: str = 'id="{id}-error"'  # how the page shows a field's message
    omitted: tuple[str, ...] = ()  # fields of the class the view leaves out


def _id(model, **where) -> int:
    return db.session.scalar(select(model.id).filter_by(**where))


def _version(model, record_id) -> str:
    return str(db.session.get(model, record_id).version)


def ids(app) -> dict:
    """The records the forms need (zhangwei's sample records, a follow-up, people, teams)."""
    found = sample_records(app)
    with app.app_context():
        me = _id(User, username="zhangwei")
        if not db.session.scalar(select(FollowUp.id)):
            followups.add(what="回电", owner_id=me, due=utcnow(), subject_type=None,
                          subject_id=None, by=db.session.get(User, me))
            db.session.commit()
        return found | {"me": me, "team": _id(Team, name="华东销售一组"),
                        "marketing": _id(Team, name="市场部"),
                        "machao": _id(User, username="machao"),
                        "hq": _id(Team, name="总部"), "liuyang": _id(User, username="liuyang"),
                        "followup_id": db.session.scalar(select(FollowUp.id)),
                        "calendar_id": default_calendar_id()}


def _lead(i):
    return {"company_name": "新线索公司", "customer_id": "", "contact_name": "王五",
            "contact_phone": "13900001111", "source": "online", "grade": "A",
            "team_id": i["team"], "owner_id": i["me"], "note": "备注"}


def _deal(i):
    return {"title": "产线改造", "customer_id": i["customer_id"], "owner_id": i["me"],
            "expected_value": "1000", "close_date": "2026-12-31", "channel": "direct",
            "solution_spec": "方案", "delivery_cycle": "30天", "service_commitment": "三年保修"}


def _customer(i):
    return {"name": "新客户有限公司", "credit_code": "", "industry": "", "annual_revenue": "100",
            "province": "", "city": "深圳", "source": "", "grade": "B", "owner_id": i["me"],
            "phone": "", "email": "", "confirm_duplicates": "1"}


def _contact(i):
    return {"name": "李四", "title": "采购", "mobile": "13800001234", "phone": "",
            "email": "li@example.cn", "wechat": "lisi"}


def _product(_i):
    return {"name": "新产品", "kind": "product", "category": "硬件", "price": "10",
            "active": "y", "description": "说明"}


def _dealer(_i):
    return {"name": "新经销商有限公司", "credit_code": "", "province": "江苏", "city": "苏州",
            "address": "工业园区", "grade": "B", "contact_name": "钱七", "contact_title": "总经理",
            "contact_phone": "13800002222", "experience_years": "4", "warehouse_m2": "800",
            "capital": "2000000", "manager_id": "", "note": "备注"}


def _training(_i):
    return {"held_on": "2026-05-12", "kind": "sales", "title": "销售技巧培训",
            "trainer": "孙丽", "attendee_lines": "样例经销商有限公司 3", "notes": "线下"}


def _material(_i):
    return {"kind": "video", "item": "产品演示视频", "quantity": "20",
            "handed_on": "2026-05-12", "note": "U 盘"}


def _dealer_contact(_i):
    return {"name": "钱进", "title": "采购经理", "phone": "13812345678",
            "email": "qianjin@example.cn", "note": "负责下单"}


def _agreement(_i):
    return {"number": "QD-2026-0900", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "quarterly_target": "800000", "territory_lines": "广东 深圳",
            "tier_lines": "80 1\n100 3", "protection": "不得跨区窜货"}


def _user(_i):
    return {"username": "newbie", "name": "新人", "email": "newbie@example.cn", "team_id": "",
            "roles": "sales", "password": "Long#Password2026"}


def _settings(_i):
    return {d.key: ("y" if d.default else "") if d.kind is bool else str(d.default)
            for d in DEFINITIONS}


def _call(i):
    return {"customer_id": i["customer_id"], "notes": "询问发票", "direction": "in",
            "channel": "hotline", "contact_id": i["contact_id"], "duration_minutes": "5",
            "product_id": i["product_id"], "next_step": "寄发票", "next_date": server_day()}


def _complaint(i):
    return {"customer_id": i["customer_id"], "summary": "交付延迟", "details": "晚了三天",
            "product_id": i["product_id"], "feedback": "交期要准"}
def _campaign(i):
    return {"name": "夏季沙龙", "kind": "salon", "starts_on": "2026-07-01",
            "ends_on": "2026-07-02", "department_id": i["marketing"], "budget": "20000",
            "goal_leads": "30", "goal_deals": "3", "goal_revenue": "300000", "note": "备注"}


def _edit(model, key, make):
    return lambda i: {**make(i), "version": _version(model, i[key])}


ENTRIES = [
    Entry("auth.login", None, LoginForm, lambda i: "/login",
          lambda i: {"username": "zhangwei", "password": "Demo#2026crm"}),
    Entry("auth.change_password", "zhangwei", PasswordChangeForm,
          lambda i: "/account/password",
          lambda i: {"old_password": "Demo#2026crm", "password": "Other#Pass2026",
                     "confirm": "Other#Pass2026"}),
    Entry("leads.new", "zhangwei", LeadForm, lambda i: "/leads/new", _lead),
    Entry("leads.edit", "zhangwei", LeadForm, lambda i: f"/leads/{i['lead_id']}/edit",
          _edit(Lead, "lead_id", _lead), omitted=("owner_id",)),  # assigned on the lead page
    Entry("deals.new", "zhangwei", NewDealForm, lambda i: "/deals/new", _deal),
    Entry("deals.convert", "zhangwei", NewDealForm, lambda i: f"/leads/{i['lead_id']}/deal",
          lambda i: {"title": "改造一期", "expected_value": "1000", "close_date": "2026-12-31"},
          omitted=("customer_id", "owner_id")),
    Entry("deals.edit", "zhangwei", DealForm, lambda i: f"/deals/{i['deal_id']}/edit",
          _edit(Deal, "deal_id", _deal)),
    Entry("deals.sign", "zhangwei", SignForm, lambda i: f"/deals/{i['deal_id']}/sign",
          lambda i: {"price": "100", "payment_method": "bank_transfer",
                     "payment_terms": "30/70", "breach_liability": "违约金",
                     "signed_at": server_day()}),
    Entry("deals.edit_value", "zhangwei", InlineAmountForm,
          lambda i: f"/deals/{i['deal_id']}/value/expected_value/edit",
          lambda i: {"value": "5", "version": _version(Deal, i["deal_id"])},
          error_mark='<p class="error" id="'),  # the one field of the inline editor
    Entry("customers.new", "zhangwei", CustomerForm, lambda i: "/customers/new", _customer),
    Entry("customers.edit", "zhangwei", CustomerForm,
          lambda i: f"/customers/{i['customer_id']}/edit", _edit(Customer, "customer_id",
                                                                 _customer)),
    Entry("customers.contact_form", "zhangwei", ContactForm,
          lambda i: f"/customers/{i['customer_id']}/contacts/{i['contact_id']}",
          _edit(Contact, "contact_id", _contact)),
    Entry("products.edit", "hefang", ProductForm, lambda i: "/products/new", _product),
    Entry("channel.edit", "sunli", DealerForm, lambda i: "/dealers/new", _dealer),
    Entry("channel.new_agreement", "sunli", AgreementForm,
          lambda i: f"/dealers/{i['dealer_id']}/agreements/new", _agreement),
    Entry("channel.edit_agreement", "sunli", AgreementForm,
          lambda i: f"/agreements/{i['agreement_id']}",
          lambda i: {**_agreement(i), "number": "QD-SAMPLE", "territory_lines": "浙江 杭州",
                     "version": _version(Agreement, i["agreement_id"])}),
    Entry("channel.apply", "sunli", ApplicationForm, lambda i: "/dealers/apply",
          lambda i: {**_dealer(i), "planned_volume": "5000000"}),
    Entry("channel.decide", "zhaomin", DecisionForm,
          lambda i: f"/applications/{i['application_id']}/decide",
          lambda i: {"decision": "approved", "reason": "战略区域，破格准入"}),
    Entry("scores.adjust", "sunli", AdjustForm, lambda i: f"/channel/scores/{i['score_id']}/adjust",
          lambda i: {"score": "70", "reason": "回款延迟",
                     "version": _version(DealerScore, i["score_id"])},
          error_mark='<p class="error" id="adjust-'),
    Entry("enablement.edit_training", "sunli", TrainingForm,
          lambda i: "/channel/trainings/new", _training),
    Entry("enablement.new_material", "sunli", MaterialForm,
          lambda i: f"/dealers/{i['dealer_id']}/materials/new", _material),
    Entry("enablement.edit_material", "sunli", MaterialForm,
          lambda i: f"/channel/materials/{i['handout_id']}/edit",
          lambda i: {**_material(i), "version": _version(MaterialHandout, i["handout_id"])}),
    Entry("channel.new_contact", "sunli", DealerContactForm,
          lambda i: f"/dealers/{i['dealer_id']}/contacts/new", _dealer_contact),
    Entry("channel.edit_contact", "sunli", DealerContactForm,
          lambda i: f"/dealers/contacts/{i['dealer_contact_id']}",
          lambda i: {**_dealer_contact(i),
                     "version": _version(DealerContact, i["dealer_contact_id"])}),
    Entry("channel.end_agreement", "sunli", EndAgreementForm,
          lambda i: f"/agreements/{i['agreement_id']}/end", lambda i: {"reason": "合作终止"},
          error_mark='<p class="error" id="end-reason-'),
    Entry("followups.create", "zhangwei", FollowUpForm, lambda i: "/followups",
          lambda i: {"what": "回电", "due_date": server_day(), "due_time": "",
                     "owner_id": i["me"]}),
    Entry("followups.complete", "zhangwei", CompleteForm,
          lambda i: f"/followups/{i['followup_id']}/complete",
          lambda i: {"outcome": "已联系", "version": _version(FollowUp, i["followup_id"])}),
    Entry("followups.reschedule", "zhangwei", RescheduleForm,
          lambda i: f"/followups/{i['followup_id']}/reschedule",
          lambda i: {"due_date": server_day(), "due_time": "10:00",
                     "version": _version(FollowUp, i["followup_id"])}),
    Entry("admin.new_user", "admin", UserForm, lambda i: "/admin/users/new", _user),
    Entry("admin.edit_user", "admin", UserForm, lambda i: f"/admin/users/{i['liuyang']}",
          lambda i: {**_user(i), "username": "liuyang", "version": _version(User,
                                                                            i["liuyang"])},
          omitted=("password",)),
    Entry("admin.reset_password", "admin", ResetPasswordForm,
          lambda i: f"/admin/users/{i['liuyang']}/password",
          lambda i: {"password": "Reset#Pass2026"}),
    Entry("admin.edit_team", "admin", TeamForm, lambda i: "/admin/teams/new",
          lambda i: {"name": "新团队", "level": "team", "parent_id": i["hq"]}),
    Entry("deadlines.edit_calendar", "admin", CalendarForm, lambda i: "/admin/calendars/new",
          lambda i: {"name": "两班倒", "timezone": "Asia/Shanghai", "hours_mon": "08:00-20:00"}),
    Entry("deadlines.add_day", "admin", lambda **kw: DayForm(prefix="newday", **kw),
          lambda i: f"/admin/calendars/{i['calendar_id']}/days",
          lambda i: {"newday-day": "2027-02-05", "newday-kind": "holiday",
                     "newday-hours": "09:00-12:00", "newday-name": "除夕半天"}),
    Entry("deadlines.edit_kind", "admin", KindForm,
          lambda i: f"/admin/deadline-kinds/{FOLLOWUP_KIND}",
          lambda i: {"basis": "calendar"},
          omitted=("duration_minutes",)),  # a follow-up's due time is chosen each time
    Entry("calls.new", "zhoujie", lambda **kw: CallForm(**kw), lambda i: "/service/calls/new",
          _call),
    Entry("complaints.new", "zhoujie", ComplaintForm, lambda i: "/service/complaints/new",
          _complaint),
    Entry("complaints.edit", "zhoujie", ComplaintForm,
          lambda i: f"/service/complaints/{i['complaint_id']}/edit",
          _edit(Complaint, "complaint_id", _complaint), omitted=("customer_id",)),
    Entry("complaints.act", "zhoujie", lambda **kw: NoteForm(prefix="respond", **kw),
          lambda i: f"/service/complaints/{i['complaint_id']}/respond",
          lambda i: {"respond-note": "已致电客户"}),
    Entry("archives.edit", "zhoujie", ArchiveForm,
          lambda i: f"/service/archives/{i['archive_id']}/edit",
          _edit(ServiceArchive, "archive_id", lambda i: {
              "contacts": "王芳 13800138000", "products": "样例产品 × 1",
              "service_needs": "季度保养", "complete": "y"})),
    Entry("revisits.log", "zhoujie", RevisitForm,
          lambda i: f"/service/revisits/{i['revisit_id']}/log",
          _edit(Revisit, "revisit_id", lambda i: {
              "outcome": "satisfied", "satisfaction": "5", "feedback": "验收顺利",
              "product_id": i["product_id"]})),
    Entry("surveys.show", "zhoujie", AnswerForm, lambda i: f"/surveys/{i['survey_id']}",
          lambda i: {"nps": "8", "csat": "90", "product_id": i["product_id"],
                     "feedback": "培训很到位", "version": _version(Survey, i["survey_id"])}),
    Entry("feedback.acted", "hefang", ActedForm,
          lambda i: f"/products/{i['product_id']}/feedback/survey/{i['survey_id']}",
          lambda i: {"note": "已加入下季度培训计划"}, error_mark='-{id}-error"'),
    Entry("campaigns.new", "machao", CampaignForm, lambda i: "/campaigns/new", _campaign),
    Entry("campaigns.edit", "machao", CampaignForm,
          lambda i: f"/campaigns/{i['campaign_id']}/edit",
          _edit(Campaign, "campaign_id", _campaign)),
    Entry("campaigns.new_cost", "machao", CostForm,
          lambda i: f"/campaigns/{i['approved_campaign_id']}/costs/new",
          lambda i: {"what": "展位费", "amount": "3000", "spent_on": server_day()}),
    Entry("campaigns.new_minutes", "machao", MinutesForm,
          lambda i: f"/campaigns/{i['approved_campaign_id']}/minutes/new",
          lambda i: {"phase_id": "", "held_on": server_day(), "title": "周例会", "topics": "进度",
                     "decisions": "加大线上投放", "record": "", "actions-0-what": "更新报名名单",
                     "actions-0-owner_id": i["machao"], "actions-0-due_on": server_day()}),
    Entry("campaigns.decide", "gaoyan", campaign_forms.DecisionForm,
          lambda i: f"/campaigns/requests/{i['purchase_id']}/decide",
          lambda i: {"decision": "approve", "comment": "同意"},
          error_mark='-{id}-error"'),  # one form per request: ids "r<request id>-comment"
    Entry("settings.index", "admin", lambda **kw: settings_form_class()(**kw),
          lambda i: "/admin/settings", _settings),
    Entry("contracts.change_status", "zhangwei", StatusForm,
          lambda i: f"/contracts/{i['contract_id']}/status",
          lambda i: {"status": "delivered", "delivered_on": server_day(),
                     "version": _version(Contract, i["contract_id"])}),
    Entry("contracts.schedule", "zhengshuang", ScheduleForm,
          lambda i: f"/contracts/{i['contract_id']}/schedule",
          lambda i: {"instalments-0-due_on": "2026-03-01", "instalments-0-amount": "40000",
                     "instalments-1-due_on": "2026-06-01", "instalments-1-amount": "60000"}),
    Entry("contracts.record_delivery", "zhangwei", DeliveryForm,
          lambda i: f"/contracts/{i['contract_id']}/delivery",
          lambda i: {"kind": "exception", "note": "原材料延迟", "remedy": ""}),
    Entry("contracts.record_step", "zhangwei", CollectionStepForm,
          lambda i: f"/contracts/{i['contract_id']}/collection",
          lambda i: {"instalment_id": i["instalment_id"], "step": "visit", "done_on": server_day(),
                     "channel": "", "outcome": "客户承诺月底付款", "decision": ""}),
    Entry("contracts.promise", "zhengshuang", PromiseForm,
          lambda i: f"/contracts/{i['contract_id']}/promises",
          lambda i: {"instalment_id": i["instalment_id"],
                     "promised_on": (date.today() + timedelta(days=20)).isoformat(),
                     "amount": "5000", "promised_by": "王会计"}),
    Entry("contracts.payment", "zhengshuang", PaymentForm,
          lambda i: f"/contracts/{i['contract_id']}/payments",
          lambda i: {"instalment_id": i["instalment_id"], "received_on": server_day(),
                     "amount": "100", "method": "bank_transfer", "reference": "HX2026",
                     "reason": ""}),
]
# Forms of choices only (no typed text), covered by their domain's tests and test_chosen_ids.
CHOICES_ONLY = {"leads.move", "leads.assign", "customers.merge", "deals.move", "deals.lose",
                "channel.change_status",
                "contracts.mark_important",  # a tick box and the version
                "campaigns.submit", "campaigns.move",
                "deadlines.load_official"}  # a year picked from the published ones
# Uploads, checked line by line by their own tests (tests/deadlines/test_admin_pages.py).
UPLOADS = {"deadlines.import_year": ImportForm,
           "contracts.upload": DocumentForm,  # tests/storage, tests/contracts
           "campaigns.new_document": campaign_forms.DocumentForm}  # tests/campaigns
