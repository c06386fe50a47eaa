"""The accessibility check fails at once, naming the check to call, on a page that cannot
run axe, instead of waiting for ever for an answer that never comes."""

import pytest

from tests.browser.conftest import assert_accessible

PAGE = "<html lang=en><title>Page</title><main><h1>Page</h1></main></html>"


@pytest.mark.parametrize("javascript", [True, False])
def test_axe_runs_only_where_scripts_run(browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.set_content(PAGE)
        if javascript:
            assert_accessible(page)
        else:
            with pytest.raises(AssertionError, match="assert_accessible_without_javascript"):
                assert_accessible(page)
    finally:
        context.close()
