"""``{% home_panel panel %}``: an app's panel of the home page, with its own context."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panel(context, panel) -> str:
    """Render ``panel`` (a :class:`copgirls.home.RenderedPanel`) within the page's context."""
    panel_template = context.template.engine.get_template(panel.template_name)
    with context.push(panel.context):
        return panel_template.render(context)
