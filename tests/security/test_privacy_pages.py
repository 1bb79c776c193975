"""The privacy notice and accessibility statement: public, in every footer, with the
partnership's own contact details."""

from django.urls import reverse


def test_the_partnership_pages_name_its_contacts(client, area):
    area.partnership.contact_email = "send.partnership@york.example"
    area.partnership.data_controller = "City of York Council"
    area.partnership.save()
    privacy = client.get(reverse("partnership_privacy", args=[area.partnership.slug]))
    assert privacy.status_code == 200
    text = privacy.content.decode()
    assert "The data controller is City of York Council" in text
    assert "send.partnership@york.example" in text
    assert "18 months" in text and "kept for 24 months" in text and "6 years" in text
    statement = client.get(reverse("partnership_accessibility", args=[area.partnership.slug]))
    assert "send.partnership@york.example" in statement.content.decode()


def test_an_unknown_partnership_is_404(client, db):
    assert client.get("/nowhere/privacy/").status_code == 404


def test_every_footer_links_to_both(client, client_for, area):
    from partnership.models import Role

    sign_in = client.get(reverse("account_login")).content.decode()
    assert reverse("privacy") in sign_in and reverse("accessibility") in sign_in
    home = client_for(area, Role.BOARD_MEMBER).get(
        reverse("partnership:home", args=[area.partnership.slug])
    )
    html = home.content.decode()
    assert reverse("partnership_privacy", args=[area.partnership.slug]) in html
    assert reverse("partnership_accessibility", args=[area.partnership.slug]) in html
