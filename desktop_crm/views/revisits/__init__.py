"""回访: the record form (revisit_dialog), the plan forms (plan_dialogs) and the page
(revisit_page) of five tabs, one module each: plans_tab, records_tab, reports_tab,
summary_tab, not_served_tab — built on tab_base, lists and printing."""
