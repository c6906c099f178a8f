"""What the sandbox knows about each activity module type (``mod/*/lib.php``): names, purpose, form defaults,
the ``customdata`` its course-module info carries, and the files ``core_course_get_contents`` lists for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cooperare.sandbox.courses.schema import COMPLETION_TRACKING_AUTOMATIC
from cooperare.sandbox.db import Row
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.site import Site


def _db_string(value: Any) -> Any:
    """Values read from the database reach PHP as strings (so ``json_encode`` quotes them)."""
    return None if value is None else str(value)


def _forum_customdata(cm: Row, forum: Row) -> Any:
    data: dict[str, Any] = {}
    if cm["completion"] == COMPLETION_TRACKING_AUTOMATIC:
        data["customcompletionrules"] = {rule: _db_string(forum[rule]) for rule in
                                         ("completiondiscussions", "completionreplies", "completionposts")}
    for key in ("duedate", "cutoffdate"):
        if forum.get(key):
            data[key] = _db_string(forum[key])
    data["trackingtype"] = _db_string(forum["trackingtype"])
    return data


def _quiz_customdata(cm: Row, quiz: Row) -> Any:
    data: dict[str, Any] = {}
    if cm["completion"] == COMPLETION_TRACKING_AUTOMATIC:
        exhausted: Any = []
        if quiz.get("completionattemptsexhausted"):
            exhausted = {"completionpassgrade": _db_string(cm["completionpassgrade"]),
                         "completionattemptsexhausted": _db_string(quiz["completionattemptsexhausted"])}
        data["customcompletionrules"] = {"completionpassorattemptsexhausted": exhausted,
                                         "completionminattempts": _db_string(quiz["completionminattempts"])}
    for key in ("timeopen", "timeclose"):
        if quiz.get(key):
            data[key] = _db_string(quiz[key])
    return data or ""


def _feedback_customdata(cm: Row, feedback: Row) -> Any:
    data: dict[str, Any] = {}
    if cm["completion"] == COMPLETION_TRACKING_AUTOMATIC:
        data["customcompletionrules"] = {"completionsubmit": _db_string(feedback["completionsubmit"])}
    for key in ("timeopen", "timeclose", "anonymous"):
        if feedback.get(key):
            data[key] = _db_string(feedback[key])
    return data or ""


def _url_customdata(cm: Row, url: Row) -> Any:
    return {"display": int(url.get("display") or 0), "filtericon": True}


def _resource_customdata(cm: Row, resource: Row) -> Any:
    return {"filtericon": True, "displayoptions": resource.get("displayoptions") or "",
            "display": int(resource.get("display") or 0)}


def _page_contents(site: Site, cm: Row, page: Row, contextid: int) -> list[dict[str, Any]]:
    return [{
        "type": "file", "filename": "index.html", "filepath": "/", "filesize": 0,
        "fileurl": site.url(f"/webservice/pluginfile.php/{contextid}/mod_page/content/index.html"),
        "timecreated": None, "timemodified": page["timemodified"], "sortorder": 1, "userid": None,
        "author": None, "license": None,
    }]


def _url_contents(site: Site, cm: Row, url: Row, contextid: int) -> list[dict[str, Any]]:
    if not url.get("externalurl"):
        return []
    return [{
        "type": "url", "filename": clean_param(str(url["name"]), "PARAM_FILE"), "filepath": None, "filesize": 0,
        "fileurl": url["externalurl"], "timecreated": None, "timemodified": url["timemodified"], "sortorder": None,
        "userid": None, "author": None, "license": None,
    }]


def _resource_contents(site: Site, cm: Row, resource: Row, contextid: int) -> list[dict[str, Any]]:
    files = [f for f in site.db["files"].where(contextid=contextid, component="mod_resource", filearea="content",
                                                itemid=0) if f.get("filename") not in (None, ".")]
    return [{
        "type": "file", "filename": f["filename"], "filepath": f.get("filepath", "/"),
        "filesize": int(f.get("filesize") or 0),
        "fileurl": site.url(f"/webservice/pluginfile.php/{contextid}/mod_resource/content/"
                            f"{resource.get('revision') or 0}{f.get('filepath', '/')}{f['filename']}"),
        "timecreated": f.get("timecreated"), "timemodified": f.get("timemodified"), "sortorder": 1,
        "mimetype": f.get("mimetype"), "isexternalfile": False, "userid": f.get("userid"),
        "author": f.get("author"), "license": f.get("license"),
    } for f in files]


ContentsExporter = Callable[[Site, Row, Row, int], list[dict[str, Any]]]


@dataclass(frozen=True)
class ModuleType:
    """One activity module type of the recorded site."""

    name: str
    plural: str
    purpose: str
    form_defaults: dict[str, Any] = field(default_factory=dict)
    noviewlink: bool = False
    graded: bool = False
    customdata: Callable[[Row, Row], Any] = lambda cm, instance: ""
    contents: ContentsExporter | None = None
    custom_rules: tuple[str, ...] = ()

    @property
    def modulename(self) -> str:
        """The singular name, lower-cased (``get_string('modulename', $mod)``), as requirement texts use it."""
        return {"url": "URL", "label": "text and media area", "resource": "file"}.get(self.name, self.name)


QUIZ_REVIEW_ALL = 0x10000 | 0x01000 | 0x00100 | 0x00010
QUIZ_REVIEW_AFTER = 0x01000 | 0x00100 | 0x00010

MODULE_TYPES: dict[str, ModuleType] = {
    "assign": ModuleType("assign", "Assignments", "assessment", graded=True,
                         form_defaults={"grade": 100, "introformat": 1, "submissiondrafts": 0,
                                        "sendnotifications": 0, "requiresubmissionstatement": 0},
                         custom_rules=("completionsubmit",)),
    "bigbluebuttonbn": ModuleType("bigbluebuttonbn", "BigBlueButton", "communication",
                                  form_defaults={"introformat": 1, "type": 0, "wait": 0, "record": 1,
                                                 "recordings_deleted": 1, "voicebridge": 0, "userlimit": 0},
                                  custom_rules=("completionattendance", "completionengagementchats",
                                                "completionengagementtalks", "completionengagementraisehand",
                                                "completionengagementpollvotes", "completionengagementemojis")),
    "feedback": ModuleType("feedback", "Feedback", "communication", customdata=_feedback_customdata,
                           form_defaults={"introformat": 1, "anonymous": 1, "multiple_submit": 0,
                                          "page_after_submitformat": 1},
                           custom_rules=("completionsubmit",)),
    "forum": ModuleType("forum", "Forums", "collaboration", customdata=_forum_customdata,
                        form_defaults={"type": "general", "introformat": 1, "forcesubscribe": 0,
                                       "maxattachments": 9, "maxbytes": 512000, "trackingtype": 1},
                        custom_rules=("completiondiscussions", "completionreplies", "completionposts")),
    "book": ModuleType("book", "Books", "content", form_defaults={"introformat": 1, "numbering": 1,
                                                                   "navstyle": 1, "customtitles": 0,
                                                                   "revision": 0}),
    "label": ModuleType("label", "Text and media areas", "content", noviewlink=True,
                        form_defaults={"introformat": 1}),
    "page": ModuleType("page", "Pages", "content", contents=_page_contents,
                       form_defaults={"introformat": 1, "contentformat": 1, "display": 5, "revision": 1,
                                      "displayoptions": 'a:2:{s:10:"printintro";s:1:"0";'
                                                        's:17:"printlastmodified";s:1:"1";}'}),
    "quiz": ModuleType("quiz", "Quizzes", "assessment", graded=True, customdata=_quiz_customdata,
                       form_defaults={
                           "introformat": 1, "overduehandling": "autosubmit", "preferredbehaviour": "deferredfeedback",
                           "grade": 10.0, "questionsperpage": 1, "navmethod": "free", "shuffleanswers": 1,
                           "browsersecurity": "-", "reviewattempt": QUIZ_REVIEW_ALL,
                           "reviewcorrectness": QUIZ_REVIEW_AFTER, "reviewmaxmarks": QUIZ_REVIEW_ALL,
                           "reviewmarks": QUIZ_REVIEW_AFTER, "reviewspecificfeedback": QUIZ_REVIEW_AFTER,
                           "reviewgeneralfeedback": QUIZ_REVIEW_AFTER, "reviewrightanswer": QUIZ_REVIEW_AFTER,
                           "reviewoverallfeedback": QUIZ_REVIEW_AFTER},
                       custom_rules=("completionpassorattemptsexhausted", "completionminattempts")),
    "resource": ModuleType("resource", "Files", "content", customdata=_resource_customdata,
                           contents=_resource_contents, form_defaults={"introformat": 1, "display": 0,
                                                                       "revision": 1}),
    "url": ModuleType("url", "URLs", "content", customdata=_url_customdata, contents=_url_contents,
                      form_defaults={"introformat": 1, "display": 0}),
}


def module_type(modname: str) -> ModuleType:
    try:
        return MODULE_TYPES[modname]
    except KeyError:
        raise ValueError(f"the sandbox has no module type {modname!r}") from None
