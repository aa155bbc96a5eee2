"""An HTML page beside every Atom feed (``<feed>/preview/``, same query string): what the feed holds, as a
page a person can read, with its address to copy into a feed reader. Browsers show Atom as raw XML, and
are dropping XSLT, so the preview is a page of its own and the feed stays plain Atom.

One view for every feed: it resolves the feed's path to its ``Feed`` and asks it for the same object and
entries it would write (``get_object``, ``get_feed``), so the preview never says other than the feed."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve

from registry.feeds import BadFeedQuery


def feed_preview(request, feed_path):
    path = f"/{feed_path}/"
    try:
        match = resolve(path)
    except Resolver404:
        raise Http404("No feed has this address.") from None
    feed = match.func
    if not isinstance(feed, Feed):
        raise Http404("No feed has this address.")
    query = request.GET.urlencode()
    context = {"feed_path": path + (f"?{query}" if query else "")}
    context["feed_url"] = request.build_absolute_uri(context["feed_path"])
    try:
        selection = feed.get_object(request, *match.args, **match.kwargs)
    except BadFeedQuery as error:
        context["errors"] = [(name, " ".join(str(m) for m in messages)) for name, messages in error.errors.items()]
        return render(request, "registry/feed_preview.html", context, status=400)
    generator = feed.get_feed(selection, request)
    context.update({"feed": generator.feed, "entries": generator.items})
    return render(request, "registry/feed_preview.html", context)
