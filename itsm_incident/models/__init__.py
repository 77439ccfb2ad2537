from . import itsm_config_cache_mixin
from . import itsm_priority
from . import itsm_priority_matrix
from . import itsm_grade_rule
from . import itsm_service
from . import itsm_service_interface
from . import itsm_service_alias
from . import itsm_event_severity
from . import itsm_event_source
from . import itsm_event_nature
from . import itsm_makeup_workday
from . import resource_calendar
from . import resource_calendar_china_holidays
from . import resource_calendar_attendance
from . import resource_calendar_leaves
from . import itsm_service_level
from . import itsm_service_level_line
from . import res_partner
from . import itsm_deadline
from . import itsm_deadline_mixin
from . import itsm_ticket_link_mixin
from . import itsm_escalation_mixin
from . import itsm_incident_review
from . import itsm_improvement_action
from . import itsm_problem
from . import itsm_problem_proposal
from . import tier_definition
from . import tier_validation
from . import tier_review
from . import rating_rating
from . import itsm_knowledge_keyword
from . import itsm_knowledge_article
from . import helpdesk_ticket_stage
from . import helpdesk_ticket_team
from . import res_company
from . import res_users
from . import res_config_settings

# The ticket, each concern in its own file. Later imports extend the
# ticket over earlier ones: a concern that extends another's hook
# (_itsm_follow_up, _itsm_closure_blockers, _itsm_assignment_prepare_create,
# _itsm_deadline_event) comes after it; helpdesk_ticket last, its
# create/write outermost. The escalation file brings the ladder's and the
# deadlines' mixins, which the SLA extends.
from . import helpdesk_ticket_assignment
from . import helpdesk_ticket_assignment_notice
from . import helpdesk_ticket_screening
from . import helpdesk_ticket_security
from . import helpdesk_ticket_knowledge
from . import helpdesk_ticket_follow_up
from . import helpdesk_ticket_kpi
from . import helpdesk_ticket_kpi_department
from . import helpdesk_ticket_closure
from . import helpdesk_ticket_improvement
from . import helpdesk_ticket_resolution
from . import helpdesk_ticket_handling
from . import helpdesk_ticket_record_form
from . import helpdesk_ticket_monitoring
from . import helpdesk_ticket_recurrence
from . import helpdesk_ticket_problem
from . import helpdesk_ticket_escalation
from . import helpdesk_ticket_sla
from . import helpdesk_ticket_receipt
from . import helpdesk_ticket
from . import helpdesk_ticket_rating
from . import helpdesk_ticket_portal
from . import itsm_escalation_rule
from . import itsm_escalation_rule_sla_share
from . import itsm_escalation_rule_scope
from . import itsm_escalation_log
from . import itsm_supervision_checklist_item
from . import itsm_supervision_round
from . import itsm_supervision_check
from . import itsm_supervision_check_line
from . import itsm_kpi_monthly_report
from . import itsm_kpi_dashboard
from . import itsm_sms_trace
from . import sms_sms
from . import helpdesk_ticket_service

# Outermost on the ticket: system-stamped fields refused before anything
# else runs (security review M5).
from . import helpdesk_ticket_stamps
from . import itsm_demo_history
from . import mail_activity
from . import mail_followers
