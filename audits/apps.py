from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"

    def ready(self):
        from partnership.retention import retention_step

        from .retention import evidence_files_expire

        retention_step(evidence_files_expire)
