from django.apps import AppConfig


class VoiceConfig(AppConfig):
    """Family voice: feedback surveys, "You said, we did", the ladder and cycle roll-ups."""

    name = "voice"
