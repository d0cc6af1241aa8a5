"""The web front: HTML pages for investigators and a JSON API for newsroom systems, both thin
layers over `Service`. All article text is untrusted: Jinja2 autoescapes every page, links are
only drawn for http(s) URLs, and a strict Content-Security-Policy forbids scripts."""

import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retold import __version__
from retold.article import RawDocument
from retold.errors import InputError
from retold.report.html import compare_context
from retold.report.story_html import story_context
from retold.result import CompareResult
from retold.web.schemas import (
    AddedOut,
    ArticleIn,
    ArticleOut,
    CompareIn,
    ErrorOut,
    HistoryOut,
    NewArticleIn,
    SearchHitOut,
    SearchIn,
    StoryOut,
    StorySummaryOut,
)
from retold.web.service import NotFound, Service, UnsupportedUpload, hit_dict, story_summary

TOKEN_COOKIE = "retold_token"
MAX_ID = 2**63 - 1  # SQLite's largest integer
Id = Annotated[int, PathParam(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (401, "Missing or wrong API token"),
        (413, "Request body over the upload limit"),
        (415, "Body is not JSON"),
        (422, "The body is invalid or an article cannot be read"),
    )
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such id"}}


@dataclass
class ServerConfig:
    db: Path
    token: str | None = None
    max_upload_bytes: int = 5_000_000


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse bodies over the limit with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        try:
            if declared is not None and int(declared) > self.limit:
                await self._refuse(scope, send, int(declared))
                return
        except ValueError:
            await _send_json(send, 400, {"error": "malformed Content-Length header"})
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(scope, send, received)

    async def _refuse(self, scope: Scope, send: Send, size: int) -> None:
        message = (
            f"request body is {size / 1e6:.1f} MB, over the {self.limit / 1e6:g} MB upload limit"
        )
        await _send_json(send, 413, {"error": message})


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _environment() -> Environment:
    environment = Environment(
        loader=ChoiceLoader(
            [PackageLoader("retold.web", "templates"), PackageLoader("retold.report", "templates")]
        ),
        autoescape=select_autoescape(["html"], default=True),
    )
    environment.filters["safe_href"] = safe_href
    environment.globals["version"] = __version__
    return environment


def safe_href(url: str | None) -> str | None:
    """A URL worth linking to: http(s) only, so javascript: and data: URLs are shown, not linked."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def create_app(config: ServerConfig, service: Service) -> FastAPI:
    app = FastAPI(
        title="retold",
        version=__version__,
        description="Trace how news stories are copied, rewritten and translated across outlets.",
        docs_url=None,  # Swagger UI loads from a CDN; the server must work offline
        redoc_url=None,
    )
    templates = Jinja2Templates(env=_environment())
    bearer = HTTPBearer(auto_error=False, description="Required when the server has a token")

    def authorised(request: Request, credentials: HTTPAuthorizationCredentials | None) -> bool:
        if config.token is None:
            return True
        given = credentials.credentials if credentials else request.cookies.get(TOKEN_COOKIE)
        return given is not None and hmac.compare_digest(given.encode(), config.token.encode())

    def require_token(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if not authorised(request, credentials):
            raise HTTPException(401, "missing or wrong API token (Authorization: Bearer ...)")

    # Declared only when a token is set, so the OpenAPI spec says truly whether auth is needed.
    api_dependencies = [Depends(require_token)] if config.token is not None else []

    # -- guards and errors ---------------------------------------------------------------------
    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        path = request.url.path
        is_api = path.startswith("/api/")
        if request.method == "POST":
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if is_api and media != "application/json":
                return JSONResponse(
                    {"error": f"{path}: expected Content-Type application/json, got "
                              f"{media or 'none'}"},
                    status_code=415,
                )  # fmt: skip
            if not is_api and media not in FORM_TYPES:
                return _page_error(request, 415, f"expected a form submission, got {media}")
        if (
            config.token is not None
            and not is_api
            and path not in ("/login", "/healthz", "/openapi.json")
            and not authorised(request, None)
        ):
            return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def _page_error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"error": message}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else (
            f"no page at {request.url.path}"
        )  # fmt: skip
        return _page_error(request, exc.status_code, str(message))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        return _page_error(request, 422, message)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _page_error(request, 404, str(exc))

    @app.exception_handler(InputError)
    async def unreadable(request: Request, exc: InputError) -> Response:
        return _page_error(request, 422, str(exc))

    @app.exception_handler(UnsupportedUpload)
    async def unsupported(request: Request, exc: UnsupportedUpload) -> Response:
        return _page_error(request, 415, str(exc))

    # -- HTTP API ----------------------------------------------------------------------------
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"status": "ok", **service.counts()}

    @app.post(
        "/api/compare",
        response_model=CompareResult,
        responses=ERRORS | NOT_FOUND,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_compare(body: CompareIn) -> CompareResult:
        """How article b relates to article a: the same result as `retold compare --json`."""
        return service.compare(body.a, body.b)

    @app.post(
        "/api/search",
        response_model=list[SearchHitOut],
        responses=ERRORS,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_search(body: SearchIn) -> list[dict[str, Any]]:
        """The corpus's copies, rewrites, translations and same-story coverage of an article."""
        return [hit_dict(h) for h in service.search(body.query, body.top)]

    @app.get(
        "/api/stories",
        response_model=list[StorySummaryOut],
        responses=ERRORS,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_stories(
        q: str | None = None,
        language: str | None = None,
        site: str | None = None,
        min_size: Annotated[int, Query(ge=1)] = 2,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        """Story families, largest first, filtered by title text, language and site."""
        found = filter_stories(service, q, language, site, min_size)
        return [story_summary(s) for s in found[offset : offset + limit]]

    @app.get(
        "/api/stories/{story_id}",
        response_model=StoryOut,
        responses=ERRORS | NOT_FOUND,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_story(story_id: Id) -> dict[str, Any]:
        """One family: members, copy groups, the original and the derivation edges."""
        story = service.story(story_id)
        return story.to_dict() | story_summary(story)

    @app.get(
        "/api/articles/{article_id}",
        response_model=ArticleOut,
        responses=ERRORS | NOT_FOUND,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_article(article_id: Id) -> dict[str, Any]:
        """One stored article: cleaned text, removed chrome, metadata and its family."""
        return service.article(article_id)

    @app.get(
        "/api/articles/{article_id}/versions",
        response_model=HistoryOut,
        responses=ERRORS | NOT_FOUND,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_versions(article_id: Id) -> dict[str, Any]:
        """Every stored version of the article's page, oldest first, each with what changed
        since the one before (sentences added, dropped, changed; facts changed) and whether the
        change was silent (a fact changed without a correction note)."""
        return service.history(article_id).to_dict()

    @app.post(
        "/api/articles",
        response_model=AddedOut,
        status_code=201,
        responses=ERRORS,
        dependencies=api_dependencies,
        tags=["api"],
    )
    def api_add(body: NewArticleIn) -> dict[str, Any]:
        """Ingest one article: cleaned, fingerprinted, embedded and linked to its copies. A
        rejected article answers 422 with the reason; nothing is half-written."""
        added, story = service.add(body)
        if added.status == "rejected":
            raise HTTPException(422, f"article: {added.reason}")
        return {**added.__dict__, "story": story}

    # -- pages ---------------------------------------------------------------------------------
    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("counts", service.counts())
        context.setdefault("db_name", config.db.name)
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        biggest = filter_stories(service, None, None, None, 2)[:10]
        return page(request, "home.html", stories=[story_summary(s) for s in biggest])

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request, a: OptionalId = None, b: OptionalId = None, q: str | None = None
    ) -> Response:
        if a is not None and (b is not None or q is not None):
            left = ArticleIn(id=a)
            right: ArticleIn | RawDocument = ArticleIn(id=b) if b is not None else service.query(
                q or ""
            )  # fmt: skip
            result = service.compare(left, right)
            return page(request, "compare.html", ids=(a, b), **compare_context(result))
        return page(request, "compare_form.html")

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_submit(
        request: Request,
        a_text: Annotated[str, Form()] = "",
        b_text: Annotated[str, Form()] = "",
        a_file: Annotated[UploadFile | None, File()] = None,
        b_file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        form = {"a_text": a_text, "b_text": b_text}
        try:
            left = await _document(a_text, a_file, "a")
            right = await _document(b_text, b_file, "b")
            result = service.compare(left, right)
        except (InputError, UnsupportedUpload) as exc:
            status = 415 if isinstance(exc, UnsupportedUpload) else 422
            return page(request, "compare_form.html", status, error=str(exc), form=form)
        return page(request, "compare.html", **compare_context(result))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> Response:
        return page(request, "search.html")

    @app.post("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search_submit(
        request: Request,
        text: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        try:
            query = await _document(text, file, "query")
            hits = service.search(query)
        except (InputError, UnsupportedUpload) as exc:
            status = 415 if isinstance(exc, UnsupportedUpload) else 422
            return page(request, "search.html", status, error=str(exc), form={"text": text})
        query_id = service.remember_query(query)
        return page(
            request, "search.html", hits=hits, query_id=query_id, form={"text": text},
            stories={h.article_id: service.story_of(h.article_id) for h in hits},
        )  # fmt: skip

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request,
        q: str | None = None,
        language: str | None = None,
        site: str | None = None,
        min_size: Annotated[int, Query(ge=1)] = 2,
    ) -> Response:
        found = filter_stories(service, q, language, site, min_size)
        every = service.stories()
        return page(
            request, "stories.html", stories=[story_summary(s) for s in found],
            filters={"q": q or "", "language": language or "", "site": site or "",
                     "min_size": min_size},
            languages=sorted({lang for s in every for lang in s.to_dict()["languages"]}),
            sites=sorted({x for s in every for x in s.to_dict()["sites"]}),
        )  # fmt: skip

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: Id) -> Response:
        story = service.story(story_id)
        context = story_context(story, service.story_diffs(story))
        return page(request, "story.html", web=True, **context)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: Id) -> Response:
        return page(request, "article.html", article=service.article(article_id))

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> Response:
        return templates.TemplateResponse(request, "login.html", {"next": _local(next)})

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
    ) -> Response:
        if config.token is None or not hmac.compare_digest(token.encode(), config.token.encode()):
            return templates.TemplateResponse(
                request, "login.html", {"next": _local(next), "error": "wrong token"},
                status_code=401,
            )  # fmt: skip
        response = RedirectResponse(_local(next), status_code=303)
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    return app


async def _document(text: str, upload: UploadFile | None, side: str) -> RawDocument:
    """A form's article: the uploaded file if one was chosen, else the pasted text."""
    if upload is not None and upload.filename:
        data = await upload.read()
        return Service.document_from_upload(data, upload.filename, upload.content_type, side)
    if not text.strip():
        raise InputError(side, "paste a text or choose a file")
    return Service.document_from(ArticleIn(text=text, name=f"pasted text {side}"), side)


def _local(target: str) -> str:
    """Redirect only within this server (no open redirect through ?next=)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def filter_stories(
    service: Service, q: str | None, language: str | None, site: str | None, min_size: int
) -> list[Any]:
    needle = (q or "").strip().lower()
    found = []
    for story in service.stories():
        data = story.to_dict()
        if data["size"] < min_size:
            continue
        if language and language not in data["languages"]:
            continue
        if site and site not in data["sites"]:
            continue
        titles = " ".join((a.get("title") or a.get("source") or "") for a in data["articles"])
        if needle and needle not in titles.lower():
            continue
        found.append(story)
    return sorted(found, key=lambda s: (-len(s.members), s.id))


def asgi_app(config: ServerConfig, service: Service) -> ASGIApp:
    """The application as served: the upload limit wraps everything, streamed bodies included."""
    return BodyLimit(create_app(config, service), config.max_upload_bytes)
