import pytest

from overworld.tests.browser.chromium import launch_chromium

pytestmark = pytest.mark.browser


def test_a_missing_chromium_fails_the_tests_and_names_the_package(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        launch_chromium(playwright=None, executable=str(tmp_path / "chromium"))
