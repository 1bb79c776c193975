# The API's key fixtures, for the tests of the ladder and cycle fields in the API.
from tests.api.conftest import key_client, make_key  # noqa: F401
