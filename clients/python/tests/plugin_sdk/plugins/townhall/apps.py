from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    name = "metagov.plugins.townhall"
    label = "metagov_townhall"
