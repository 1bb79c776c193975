"""How passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended settings: 19 MiB of memory, 2 passes, 1 lane.

    Argon2id's cost to an attacker is memory as well as time, so it reaches the
    protection of PBKDF2 at a million iterations for about a tenth of the processor time.
    That time is spent by the web process at every sign-in; on a small server it decides
    how many people can sign in at once before pages slow down for everyone else.
    Passwords stored with PBKDF2 or other Argon2 settings still work, and are stored again
    with these settings at their owner's next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
