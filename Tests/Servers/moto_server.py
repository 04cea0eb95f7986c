"""moto's S3 server, checking signatures over the path and query as the client sent them.

AWS computes a SigV4 canonical request from the path and query with every reserved byte percent-encoded (in
the query `/` as `%2F`, in a key `+` as `%2B`). moto 5 instead re-signs werkzeug's `request.url`, in which some
of these are already decoded, so a correctly signed `ListObjectsV2?prefix=inbox%2F` or a GET of `a%2Bb.ics` is
refused with SignatureDoesNotMatch. This wrapper gives moto's authorization check the request line's raw path
and query (S3 reads `self.uri` for nothing else), so the test server checks signatures as AWS does.
Arguments are moto_server's.
"""
import sys
from urllib.parse import urlsplit, urlunsplit

from moto.core import responses
from moto.server import main

_setup_class = responses.BaseResponse.setup_class


def _setup_class_with_raw_query(self, request, full_url, headers, *args, **kwargs):
    result = _setup_class(self, request, full_url, headers, *args, **kwargs)
    raw = urlsplit(getattr(request, "environ", {}).get("RAW_URI") or "")
    if raw.path:
        self.uri = urlunsplit(urlsplit(self.uri)._replace(path=raw.path, query=raw.query))
    return result


responses.BaseResponse.setup_class = _setup_class_with_raw_query

if __name__ == "__main__":
    sys.exit(main())
