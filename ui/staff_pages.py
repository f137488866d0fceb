"""Each staff page: its file, address, title, icon, the roles that see it and its menu section.
Data only; ``ui.staff_session.pages_for`` builds each role's menu from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.staff import Role


@dataclass(frozen=True)
class StaffPage:
    path: str
    url_path: str
    title_key: str
    icon: str
    roles: tuple[Role, ...]
    section_key: str


ALL = (Role.NURSE, Role.CLINICIAN, Role.FRONT_DESK, Role.ADMIN)
PAGES: tuple[StaffPage, ...] = (
    StaffPage(
        "app_pages/staff_queue.py",
        "queue",
        "staff.page.queue",
        ":material/list_alt:",
        (Role.NURSE, Role.CLINICIAN),
        "staff.section.care",
    ),
    StaffPage(
        "app_pages/staff_verify.py",
        "verify",
        "staff.page.verify",
        ":material/fact_check:",
        (Role.NURSE,),
        "staff.section.care",
    ),
    StaffPage(
        "app_pages/staff_clinician.py",
        "review",
        "staff.page.review",
        ":material/stethoscope:",
        (Role.CLINICIAN,),
        "staff.section.care",
    ),
    StaffPage(
        "app_pages/staff_procedure_sign_out.py",
        "procedure-sign-out",
        "staff.page.procedure_sign_out",
        ":material/assignment_turned_in:",
        (Role.NURSE, Role.CLINICIAN),
        "staff.section.care",
    ),
    StaffPage(
        "app_pages/staff_filing.py",
        "filing",
        "staff.page.filing",
        ":material/folder_open:",
        (Role.FRONT_DESK,),
        "staff.section.records",
    ),
    StaffPage(
        "app_pages/staff_search.py",
        "search",
        "staff.page.search",
        ":material/search:",
        ALL,
        "staff.section.records",
    ),
    StaffPage(
        "app_pages/staff_export.py",
        "export",
        "staff.page.export",
        ":material/archive:",
        (Role.FRONT_DESK, Role.ADMIN),
        "staff.section.records",
    ),
    StaffPage(
        "app_pages/staff_admin_users.py",
        "users",
        "staff.page.users",
        ":material/group:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_admin_packs.py",
        "packs",
        "staff.page.packs",
        ":material/library_books:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_admin_versions.py",
        "versions",
        "staff.page.versions",
        ":material/history_edu:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_admin_quality.py",
        "quality",
        "staff.page.quality",
        ":material/insights:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_admin_audit.py",
        "audit",
        "staff.page.audit",
        ":material/history:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_admin_settings.py",
        "settings",
        "staff.page.settings",
        ":material/settings:",
        (Role.ADMIN,),
        "staff.section.admin",
    ),
    StaffPage(
        "app_pages/staff_handoff.py",
        "handoff",
        "staff.page.handoff",
        ":material/tablet:",
        ALL,
        "staff.section.session",
    ),
    StaffPage(
        "app_pages/staff_sign_out.py",
        "sign-out",
        "staff.page.sign_out",
        ":material/logout:",
        ALL,
        "staff.section.session",
    ),
)
