<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

use context_module;
use grade_item;
use invalid_parameter_exception;
use mod_quiz\question\display_options;
use stdClass;

/**
 * Activities (page, url, label, forum, quiz, feedback, resource, bigbluebuttonbn) keyed by course module idnumber.
 *
 * Every activity has common fields (name, intro, section, visibility, activity completion) and module options,
 * given as name/value strings. Options that are not sent keep their current value on update and Moodle's site
 * default on create. The same readers serve the comparison before an update, the state hash and describe.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class activities {
    /** @var string[] Module names the plugin manages. */
    public const MODNAMES = ['page', 'url', 'label', 'forum', 'quiz', 'feedback', 'resource', 'bigbluebuttonbn',
        'book'];

    /** @var array Writable options per module: name => [type, allowed values]. */
    public const OPTIONS = [
        'page' => [
            'content' => ['html'],
        ],
        'url' => [
            'availability' => ['availability'],
            'externalurl' => ['url'],
            'display' => ['enum', ['0', '1', '2', '3', '5', '6']],
        ],
        'label' => [],
        'forum' => [
            'type' => ['enum', ['general', 'eachuser', 'qanda', 'blog', 'single', 'news']],
            'forcesubscribe' => ['enum', ['0', '1', '2', '3']],
        ],
        'quiz' => [
            'attempts' => ['int'],
            'grade' => ['float'],
            'gradepass' => ['float'],
            'timelimit' => ['int'],
            'shuffleanswers' => ['enum', ['0', '1']],
            'preferredbehaviour' => ['behaviour'],
            'navmethod' => ['enum', ['free', 'seq']],
            'reviewfeedback' => ['enum', ['0', '1', 'closed']],
            'questionsperpage' => ['int'],
            'availability' => ['availability'],
            'gradeweight' => ['weight'],
        ],
        'feedback' => [
            'items' => ['feedbackitems'],
            'anonymous' => ['enum', ['1', '2']],
            'completionsubmit' => ['enum', ['0', '1']],
            'availability' => ['availability'],
        ],
        'resource' => [
            'draftitemid' => ['int'],
            'display' => ['enum', ['0', '1', '2', '3', '4', '5', '6']],
        ],
        'bigbluebuttonbn' => [
            'openingtime' => ['int'],
            'closingtime' => ['int'],
            'welcome' => ['html'],
            'wait' => ['enum', ['0', '1']],
            'record' => ['enum', ['0', '1']],
        ],
        // Chapters are written by local_cooperare_save_book_chapters; here only the book itself.
        'book' => [
            'numbering' => ['enum', ['0', '1', '2', '3']],
            'navstyle' => ['enum', ['0', '1', '2']],
        ],
    ];

    /** @var string[] The review fields of a quiz. */
    private const QUIZ_REVIEW_FIELDS = ['attempt', 'correctness', 'maxmarks', 'marks', 'specificfeedback',
        'generalfeedback', 'rightanswer', 'overallfeedback'];

    /**
     * Review times of a quiz: form suffix => bit.
     *
     * @return int[]
     */
    private static function quiz_review_times(): array {
        return [
            'during' => display_options::DURING,
            'immediately' => display_options::IMMEDIATELY_AFTER,
            'open' => display_options::LATER_WHILE_OPEN,
            'closed' => display_options::AFTER_CLOSE,
        ];
    }

    /**
     * Create or update one activity.
     *
     * @param stdClass $course
     * @param array $item one validated item of save_activities
     * @return array [cmid, instance id, action: created|updated|unchanged]
     */
    public static function save(stdClass $course, array $item): array {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/course/lib.php');
        require_once($CFG->dirroot . '/course/modlib.php');
        require_once($CFG->libdir . '/gradelib.php');
        require_once($CFG->libdir . '/completionlib.php');
        require_once($CFG->libdir . '/resourcelib.php');

        $idnumber = $item['idnumber'];
        $what = "activity '{$idnumber}'";
        if (trim($idnumber) === '' || \core_text::strlen($idnumber) > 100) {
            throw new invalid_parameter_exception("{$what}: the idnumber must have 1 to 100 characters");
        }
        $modname = $item['modname'];
        if (!in_array($modname, self::MODNAMES, true)) {
            throw new invalid_parameter_exception("{$what}: unsupported modname '{$modname}' (supported: "
                . implode(', ', self::MODNAMES) . ')');
        }
        if (!\core_component::get_component_directory('mod_' . $modname)) {
            throw new invalid_parameter_exception("{$what}: module '{$modname}' is not installed");
        }
        if (!$DB->get_field('modules', 'visible', ['name' => $modname])) {
            // BigBlueButton is installed disabled; the pack never turns a module on by itself.
            throw new invalid_parameter_exception("{$what}: module '{$modname}' is disabled on this site (Site "
                . 'administration > Plugins > Activity modules > Manage activities)');
        }
        require_once($CFG->dirroot . '/mod/' . $modname . '/lib.php');
        $spechash = util::check_spechash($item['spechash'], $what);
        $options = self::validate_options($modname, $item['options'], $what);
        self::validate_common($course, $modname, $item, $options, $what);

        $cm = util::get_cm_by_idnumber($course->id, $idnumber);
        if (!$cm && $modname === 'forum' && ($options['type'] ?? '') === 'news') {
            $cm = self::adopt_news_forum($course, $idnumber);
        }
        if ($cm && $cm->modname !== $modname) {
            throw new invalid_parameter_exception("{$what}: an activity of type '{$cm->modname}' already has this "
                . "idnumber, cannot turn it into '{$modname}'");
        }

        if (!$cm) {
            $moduleinfo = self::create($course, $item, $options);
            $cmid = (int) $moduleinfo->coursemodule;
            $action = 'created';
        } else {
            $cmid = (int) $cm->id;
            $action = self::update($course, $cm, $item, $options) ? 'updated' : 'unchanged';
        }

        $cm = util::get_cm_by_idnumber($course->id, $idnumber);
        $state = self::state($course, $cm);
        items::save($course->id, items::KIND_ACTIVITY, $idnumber, $cmid, $spechash, '', util::hash($state));
        return [$cmid, (int) $cm->instance, $action];
    }

    /**
     * The course's news forum (the one Moodle creates itself, "Announcements", found as forum_get_course_forum()
     * finds it: the oldest of type news) takes the idnumber when it has none, so the pack names and describes it
     * instead of adding a second one.
     *
     * @param stdClass $course
     * @param string $idnumber
     * @return stdClass|null the course module, or null when there is no news forum free to adopt
     */
    private static function adopt_news_forum(stdClass $course, string $idnumber): ?stdClass {
        global $DB;
        $forums = $DB->get_records('forum', ['course' => $course->id, 'type' => 'news'], 'id ASC', 'id', 0, 1);
        if (!$forums) {
            return null;
        }
        $cm = get_coursemodule_from_instance('forum', reset($forums)->id, $course->id, false, IGNORE_MISSING);
        if (!$cm || (string) $cm->idnumber !== '') {
            return null;
        }
        $DB->set_field('course_modules', 'idnumber', $idnumber, ['id' => $cm->id]);
        rebuild_course_cache($course->id, true);
        return util::get_cm_by_idnumber($course->id, $idnumber);
    }

    /**
     * Check the option names and values of one item.
     *
     * @param string $modname
     * @param array $options list of ['name' => ..., 'value' => ...]
     * @param string $what
     * @return string[] name => normalised value
     */
    public static function validate_options(string $modname, array $options, string $what): array {
        $specs = self::OPTIONS[$modname];
        $result = [];
        foreach ($options as $option) {
            $name = $option['name'];
            $value = (string) $option['value'];
            if (!isset($specs[$name])) {
                $known = $specs ? implode(', ', array_keys($specs)) : 'none';
                throw new invalid_parameter_exception("{$what}: unknown option '{$name}' for {$modname} "
                    . "(known: {$known})");
            }
            if (array_key_exists($name, $result)) {
                throw new invalid_parameter_exception("{$what}: option '{$name}' given twice");
            }
            $type = $specs[$name][0];
            switch ($type) {
                case 'html':
                    break;
                case 'url':
                    if (clean_param($value, PARAM_URL) !== $value || !preg_match('~^https?://~i', $value)) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be an http(s) URL");
                    }
                    break;
                case 'enum':
                    if (!in_array($value, $specs[$name][1], true)) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be one of "
                            . implode(', ', $specs[$name][1]));
                    }
                    break;
                case 'int':
                    if (!preg_match('/^\d+$/', $value)) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be a whole number >= 0");
                    }
                    $value = (string) (int) $value;
                    break;
                case 'float':
                    if (!is_numeric($value) || (float) $value < 0) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be a number >= 0");
                    }
                    $value = util::float_string($value);
                    break;
                case 'weight':
                    // The grade item's weight in its category (natural aggregation), 0 to 1; '' = Moodle's own.
                    if ($value !== '' && (!is_numeric($value) || (float) $value < 0 || (float) $value > 1)) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be a number from 0 "
                            . "to 1, or empty for Moodle's own weight");
                    }
                    $value = $value === '' ? '' : util::float_string($value);
                    break;
                case 'behaviour':
                    $behaviours = \question_engine::get_behaviour_options(null);
                    if (!isset($behaviours[$value])) {
                        throw new invalid_parameter_exception("{$what}: option '{$name}' must be one of "
                            . implode(', ', array_keys($behaviours)));
                    }
                    break;
                case 'feedbackitems':
                    $value = feedback_items::canonical_json(feedback_items::parse($value, $what));
                    break;
                case 'availability':
                    $value = self::availability_canonical($value, $what);
                    break;
            }
            $result[$name] = $value;
        }
        return $result;
    }

    /**
     * Check the common fields of one item against the course.
     *
     * @param stdClass $course
     * @param string $modname
     * @param array $item
     * @param array $options validated options
     * @param string $what
     * @return void
     */
    private static function validate_common(stdClass $course, string $modname, array $item, array $options,
            string $what): void {
        global $CFG;
        if ($modname !== 'label' && trim($item['name']) === '') {
            throw new invalid_parameter_exception("{$what}: the name is empty");
        }
        if (\core_text::strlen($item['name']) > 1333) {
            throw new invalid_parameter_exception("{$what}: the name is too long");
        }
        $maxsections = (int) get_config('moodlecourse', 'maxsections');
        if ($item['section'] < 0 || ($maxsections > 0 && $item['section'] > $maxsections)) {
            throw new invalid_parameter_exception("{$what}: section {$item['section']} is out of range");
        }
        foreach (['visible', 'completionview', 'completionusegrade', 'completionpassgrade'] as $field) {
            if (!in_array((int) $item[$field], [0, 1], true)) {
                throw new invalid_parameter_exception("{$what}: {$field} must be 0 or 1");
            }
        }
        if (!in_array((int) $item['completion'], [COMPLETION_TRACKING_NONE, COMPLETION_TRACKING_MANUAL,
                COMPLETION_TRACKING_AUTOMATIC], true)) {
            throw new invalid_parameter_exception("{$what}: completion must be 0 (none), 1 (manual) or 2 (automatic)");
        }
        $automatic = (int) $item['completion'] === COMPLETION_TRACKING_AUTOMATIC;
        $rules = $item['completionview'] || $item['completionusegrade'] || $item['completionpassgrade']
            || !empty($options['completionsubmit']);
        if ($rules && !$automatic) {
            throw new invalid_parameter_exception("{$what}: completion rules need completion = 2 (automatic)");
        }
        $rulesunknown = $modname === 'feedback' && !isset($options['completionsubmit']);
        if ($automatic && !$rules && !$rulesunknown) {
            throw new invalid_parameter_exception("{$what}: automatic completion needs at least one rule");
        }
        if ($item['completion'] != COMPLETION_TRACKING_NONE) {
            if (empty($CFG->enablecompletion) || empty($course->enablecompletion)) {
                throw new invalid_parameter_exception("{$what}: completion tracking is not enabled in course "
                    . "{$course->id} (or on the site)");
            }
            if (!plugin_supports('mod', $modname, FEATURE_COMPLETION_TRACKS_VIEWS, false) && $item['completionview']) {
                throw new invalid_parameter_exception("{$what}: {$modname} cannot require a view for completion");
            }
        }
        if ($item['completionusegrade'] && !plugin_supports('mod', $modname, FEATURE_GRADE_HAS_GRADE, false)) {
            throw new invalid_parameter_exception("{$what}: {$modname} has no grade to use for completion");
        }
        if ($item['completionpassgrade'] && !$item['completionusegrade']) {
            throw new invalid_parameter_exception("{$what}: completionpassgrade needs completionusegrade");
        }
    }

    /**
     * Check the grade options of a quiz: gradepass within grade, and set when completion needs a pass grade.
     *
     * @param array $options grade and gradepass (missing gradepass counts as 0)
     * @param bool $needspass whether completionpassgrade is asked for
     * @param string $what
     * @return void
     */
    private static function check_quiz_grades(array $options, bool $needspass, string $what): void {
        $gradepass = (float) ($options['gradepass'] ?? 0);
        if (isset($options['grade']) && $gradepass > (float) $options['grade']) {
            throw new invalid_parameter_exception("{$what}: gradepass is higher than grade");
        }
        if ($needspass && $gradepass <= 0) {
            throw new invalid_parameter_exception("{$what}: completionpassgrade needs a gradepass above 0");
        }
    }

    /**
     * Check the times of a BigBlueButton room: it cannot close before it opens.
     *
     * @param array $options openingtime and closingtime (0 or missing: none)
     * @param string $what
     * @return void
     */
    private static function check_bbb_times(array $options, string $what): void {
        $opening = (int) ($options['openingtime'] ?? 0);
        $closing = (int) ($options['closingtime'] ?? 0);
        if ($opening && $closing && $closing <= $opening) {
            throw new invalid_parameter_exception("{$what}: closingtime must be after openingtime");
        }
    }

    /**
     * The participant rules of a new BigBlueButton room: everybody joins as a viewer, the course's teachers (editing
     * or not) as moderators.
     *
     * @return string JSON, as mod_bigbluebuttonbn stores it
     */
    private static function bbb_participants(): string {
        global $DB;
        $rules = [['selectiontype' => 'all', 'selectionid' => 'all', 'role' => 'viewer']];
        foreach (['editingteacher', 'teacher'] as $shortname) {
            $roleid = $DB->get_field('role', 'id', ['shortname' => $shortname]);
            if ($roleid) {
                $rules[] = ['selectiontype' => 'role', 'selectionid' => (string) $roleid, 'role' => 'moderator'];
            }
        }
        return json_encode($rules);
    }

    /**
     * Create the activity.
     *
     * @param stdClass $course
     * @param array $item
     * @param array $options
     * @return stdClass the module info returned by create_module()
     */
    private static function create(stdClass $course, array $item, array $options): stdClass {
        global $DB;
        $modname = $item['modname'];
        $what = "activity '{$item['idnumber']}'";

        $mi = new stdClass();
        $mi->modulename = $modname;
        $mi->module = $DB->get_field('modules', 'id', ['name' => $modname], MUST_EXIST);
        $mi->course = $course->id;
        $mi->section = (int) $item['section'];
        $mi->visible = (int) $item['visible'];
        $mi->visibleoncoursepage = 1;
        $mi->cmidnumber = $item['idnumber'];
        $mi->name = $item['name'];
        $mi->introeditor = ['text' => $item['intro'], 'format' => FORMAT_HTML, 'itemid' => 0];
        $mi->showdescription = $modname === 'label' ? 1 : 0;
        $mi->groupmode = 0;
        $mi->groupingid = 0;
        self::set_completion_fields($mi, $item);

        switch ($modname) {
            case 'page':
                $config = get_config('page');
                $mi->content = $options['content'] ?? '';
                $mi->contentformat = FORMAT_HTML;
                $mi->display = $config->display ?? RESOURCELIB_DISPLAY_OPEN;
                $mi->printintro = $config->printintro ?? 0;
                $mi->printlastmodified = $config->printlastmodified ?? 1;
                $mi->popupwidth = $config->popupwidth ?? 620;
                $mi->popupheight = $config->popupheight ?? 450;
                break;
            case 'url':
                if (!isset($options['externalurl'])) {
                    throw new invalid_parameter_exception("{$what}: option 'externalurl' is required for a new url");
                }
                $config = get_config('url');
                $mi->externalurl = $options['externalurl'];
                $mi->display = (int) ($options['display'] ?? ($config->display ?? RESOURCELIB_DISPLAY_AUTO));
                $mi->printintro = $config->printintro ?? 1;
                $mi->popupwidth = $config->popupwidth ?? 620;
                $mi->popupheight = $config->popupheight ?? 450;
                break;
            case 'label':
                $mi->name = '';
                break;
            case 'forum':
                $mi->type = $options['type'] ?? 'general';
                $mi->forcesubscribe = (int) ($options['forcesubscribe'] ?? 0);
                $mi->assessed = 0;
                $mi->scale = 0;
                $mi->grade_forum = 0;
                $mi->trackingtype = get_config('forum', 'trackingtype') ?: 1;
                break;
            case 'quiz':
                self::check_quiz_grades($options + ['grade' => get_config('quiz', 'maximumgrade') ?: 10],
                    (bool) $item['completionpassgrade'], $what);
                self::quiz_create_fields($mi, $options);
                break;
            case 'feedback':
                $mi->anonymous = (int) ($options['anonymous'] ?? FEEDBACK_ANONYMOUS_YES);
                $mi->email_notification = 0;
                $mi->multiple_submit = 0;
                $mi->autonumbering = 0;
                $mi->site_after_submit = '';
                $mi->page_after_submit = '';
                $mi->page_after_submitformat = FORMAT_HTML;
                $mi->page_after_submit_editor = ['text' => '', 'format' => FORMAT_HTML, 'itemid' => 0];
                $mi->publish_stats = 0;
                $mi->timeopen = 0;
                $mi->timeclose = 0;
                $mi->completionsubmit = (int) ($options['completionsubmit'] ?? 0);
                break;
            case 'resource':
                if (empty($options['draftitemid'])) {
                    throw new invalid_parameter_exception("{$what}: option 'draftitemid' is required for a new resource");
                }
                self::check_draft_area((int) $options['draftitemid'], $what);
                $config = get_config('resource');
                $mi->files = (int) $options['draftitemid'];
                $mi->display = (int) ($options['display'] ?? ($config->display ?? RESOURCELIB_DISPLAY_AUTO));
                $mi->printintro = $config->printintro ?? 1;
                $mi->showsize = $config->showsize ?? 0;
                $mi->showtype = $config->showtype ?? 0;
                $mi->showdate = $config->showdate ?? 0;
                $mi->popupwidth = $config->popupwidth ?? 620;
                $mi->popupheight = $config->popupheight ?? 450;
                $mi->filterfiles = $config->filterfiles ?? 0;
                break;
            case 'bigbluebuttonbn':
                self::check_bbb_times($options, $what);
                $mi->instance = 0;
                $mi->type = 0; // Room with recordings (instance::TYPE_ALL).
                $mi->openingtime = (int) ($options['openingtime'] ?? 0);
                $mi->closingtime = (int) ($options['closingtime'] ?? 0);
                $mi->welcome = $options['welcome'] ?? '';
                $mi->wait = (int) ($options['wait'] ?? 0);
                $mi->record = (int) ($options['record'] ?? 1);
                $mi->recordings_deleted = 1;
                $mi->participants = self::bbb_participants();
                $mi->voicebridge = 0;
                $mi->userlimit = 0;
                $mi->grade = 0;
                break;
            case 'book':
                $mi->numbering = (int) ($options['numbering'] ?? 0);
                $mi->navstyle = (int) ($options['navstyle'] ?? 1);
                $mi->customtitles = 0;
                break;
        }

        if (isset($options['availability'])) {
            self::set_availability($mi, $course, $options['availability'], $item['idnumber'], $what);
        }
        $moduleinfo = create_module($mi);
        if ($modname === 'quiz' && ($options['gradeweight'] ?? '') !== '') {
            self::set_grade_weight($course, (int) $moduleinfo->instance, $options['gradeweight']);
        }

        if ($modname === 'feedback' && isset($options['items'])) {
            $feedback = $DB->get_record('feedback', ['id' => $moduleinfo->instance], '*', MUST_EXIST);
            feedback_items::save($feedback, feedback_items::parse($options['items'], $what));
        }
        return $moduleinfo;
    }

    /**
     * The quiz's weight in its grade category, as a teacher sets it in Gradebook setup under natural aggregation
     * ("Weight" with its override ticked): weightoverride and aggregationcoef2 on the quiz's grade item, then the
     * course is marked for regrading (Moodle recalculates the other weights and the totals when grades are next
     * read). '' gives the weight back to Moodle. Read back only while overridden, so a site whose gradebook
     * was never touched shows no drift.
     *
     * @param stdClass $course
     * @param int $quizid
     * @param string $weight '' or 0 to 1
     * @return void
     */
    private static function set_grade_weight(stdClass $course, int $quizid, string $weight): void {
        $gradeitem = grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'quiz', 'iteminstance' => $quizid,
            'itemnumber' => 0, 'courseid' => $course->id]);
        if (!$gradeitem) {
            return;
        }
        $gradeitem->weightoverride = $weight === '' ? 0 : 1;
        if ($weight !== '') {
            $gradeitem->aggregationcoef2 = (float) $weight;
        }
        $gradeitem->update('local_cooperare');
        $gradeitem->force_regrading();
    }

    /**
     * Fill the fields of a new quiz: site defaults, then the options.
     *
     * @param stdClass $mi
     * @param array $options
     * @return void
     */
    private static function quiz_create_fields(stdClass $mi, array $options): void {
        $config = get_config('quiz');
        $mi->timeopen = 0;
        $mi->timeclose = 0;
        $mi->timelimit = (int) ($options['timelimit'] ?? ($config->timelimit ?? 0));
        $mi->overduehandling = $config->overduehandling ?? 'autosubmit';
        $mi->graceperiod = $config->graceperiod ?? 0;
        $mi->preferredbehaviour = $options['preferredbehaviour'] ?? ($config->preferredbehaviour ?? 'deferredfeedback');
        $mi->canredoquestions = $config->canredoquestions ?? 0;
        $mi->attempts = (int) ($options['attempts'] ?? ($config->attempts ?? 0));
        $mi->attemptonlast = $config->attemptonlast ?? 0;
        $mi->grademethod = $config->grademethod ?? QUIZ_GRADEHIGHEST;
        $mi->decimalpoints = $config->decimalpoints ?? 2;
        $mi->questiondecimalpoints = $config->questiondecimalpoints ?? -1;
        $mi->questionsperpage = (int) ($options['questionsperpage'] ?? ($config->questionsperpage ?? 1));
        $mi->navmethod = isset($options['navmethod']) ? self::quiz_navmethod_to_moodle($options['navmethod'])
            : ($config->navmethod ?? QUIZ_NAVMETHOD_FREE);
        $mi->shuffleanswers = (int) ($options['shuffleanswers'] ?? ($config->shuffleanswers ?? 1));
        $mi->sumgrades = 0;
        $mi->grade = (float) ($options['grade'] ?? ($config->maximumgrade ?? 10));
        $mi->quizpassword = '';
        $mi->subnet = '';
        $mi->browsersecurity = '-';
        $mi->delay1 = 0;
        $mi->delay2 = 0;
        $mi->showuserpicture = $config->showuserpicture ?? 0;
        $mi->showblocks = $config->showblocks ?? 0;
        if (isset($options['gradepass'])) {
            $mi->gradepass = (float) $options['gradepass'];
        }
        foreach (self::QUIZ_REVIEW_FIELDS as $field) {
            $mask = (int) ($config->{'review' . $field} ?? 0);
            foreach (self::quiz_review_times() as $when => $bit) {
                $mi->{$field . $when} = ($mask & $bit) ? 1 : 0;
            }
        }
        if (isset($options['reviewfeedback'])) {
            self::quiz_set_reviewfeedback($mi, $options['reviewfeedback']);
        }
    }

    /**
     * Set the per-answer feedback review options of a quiz form object.
     *
     * '1' shows specific and general feedback during and after the attempt, '0' never; 'closed' shows them, and
     * the right answers, only after the quiz closes (an exam with several attempts: the first attempt's review
     * must not hand over the answers of the next). '0' and '1' leave the right answers as they are.
     *
     * @param stdClass $mi
     * @param string $show '0', '1' or 'closed'
     * @return void
     */
    private static function quiz_set_reviewfeedback(stdClass $mi, string $show): void {
        $fields = $show === 'closed' ? ['specificfeedback', 'generalfeedback', 'rightanswer']
            : ['specificfeedback', 'generalfeedback'];
        foreach ($fields as $field) {
            foreach (array_keys(self::quiz_review_times()) as $when) {
                $mi->{$field . $when} = (int) ($show === '1' || ($show === 'closed' && $when === 'closed'));
            }
        }
    }

    /**
     * Navigation method: the contract's value to Moodle's.
     *
     * @param string $value free or seq
     * @return string
     */
    private static function quiz_navmethod_to_moodle(string $value): string {
        return $value === 'seq' ? QUIZ_NAVMETHOD_SEQ : QUIZ_NAVMETHOD_FREE;
    }

    /**
     * Set the activity completion fields of a module info object.
     *
     * @param stdClass $mi
     * @param array $item
     * @return void
     */
    private static function set_completion_fields(stdClass $mi, array $item): void {
        $mi->completion = (int) $item['completion'];
        $mi->completionview = (int) $item['completionview'];
        $mi->completionusegrade = (int) $item['completionusegrade'];
        $mi->completionpassgrade = (int) $item['completionpassgrade'];
        $mi->completiongradeitemnumber = $item['completionusegrade'] ? 0 : null;
        $mi->completionexpected = 0;
    }

    /**
     * Update an existing activity when any managed field differs.
     *
     * @param stdClass $course
     * @param stdClass $cm course_modules row with modname
     * @param array $item
     * @param array $options
     * @return bool whether anything changed
     */
    private static function update(stdClass $course, stdClass $cm, array $item, array $options): bool {
        global $DB;
        $modname = $cm->modname;
        $what = "activity '{$item['idnumber']}'";
        $current = self::state($course, $cm);

        $desired = $current;
        $desired['name'] = $modname === 'label' ? $current['name'] : $item['name'];
        $desired['intro'] = $item['intro'];
        $desired['section'] = (string) (int) $item['section'];
        $desired['visible'] = (string) (int) $item['visible'];
        foreach (['completion', 'completionview', 'completionusegrade', 'completionpassgrade'] as $field) {
            $desired[$field] = (string) (int) $item[$field];
        }
        $newfiles = null;
        foreach ($options as $name => $value) {
            if ($name === 'draftitemid') {
                $newfiles = (int) $value;
                $draft = self::check_draft_area($newfiles, $what);
                if ($draft === [$current['options']['filename'], $current['options']['contenthash']]) {
                    $newfiles = null;
                }
                continue;
            }
            $desired['options'][$name] = $value;
        }
        if ($modname === 'quiz') {
            self::check_quiz_grades($desired['options'], (bool) $item['completionpassgrade'], $what);
            if (($desired['options']['gradeweight'] ?? null) === '' && !isset($current['options']['gradeweight'])) {
                unset($desired['options']['gradeweight']); // Moodle's own weight already: nothing to give back.
            }
        }
        if ($modname === 'bigbluebuttonbn') {
            self::check_bbb_times($desired['options'], $what);
        }
        if ($modname === 'url' && ($desired['options']['availability'] ?? null) === '[]'
                && !isset($current['options']['availability'])) {
            unset($desired['options']['availability']); // No restriction already: nothing to remove.
        }
        if ($desired === $current && $newfiles === null) {
            return false;
        }

        // Move to another section first.
        if ($desired['section'] !== $current['section']) {
            \core_courseformat\formatactions::section($course)->create_if_missing(range(0, (int) $desired['section']));
            $section = $DB->get_record('course_sections', ['course' => $course->id, 'section' => (int) $desired['section']],
                '*', MUST_EXIST);
            moveto_module($cm, $section);
        }

        // The quiz maximum grade is not part of the quiz settings form.
        if ($modname === 'quiz' && $desired['options']['grade'] !== $current['options']['grade']) {
            \mod_quiz\quiz_settings::create((int) $cm->instance)->get_grade_calculator()
                ->update_quiz_maximum_grade((float) $desired['options']['grade']);
        }

        $fieldsdiffer = array_diff_key($desired, ['section' => 1, 'options' => 1])
            != array_diff_key($current, ['section' => 1, 'options' => 1]);
        $apart = ['grade' => 1, 'items' => 1, 'gradeweight' => 1];
        $optionsdiffer = array_diff_key($desired['options'], $apart) != array_diff_key($current['options'], $apart);
        if ($fieldsdiffer || $optionsdiffer || $newfiles !== null) {
            $cmrecord = get_coursemodule_from_id($modname, $cm->id, $course->id, false, MUST_EXIST);
            [$cmrecord, , , $mi] = get_moduleinfo_data($cmrecord, $course);
            self::prepare_update_fields($mi, $modname, $desired, $newfiles);
            $mi->name = $modname === 'label' ? $mi->name : $desired['name'];
            $mi->introeditor['text'] = $desired['intro'];
            $mi->introeditor['format'] = FORMAT_HTML;
            $mi->visible = (int) $desired['visible'];
            $mi->visibleoncoursepage = 1;
            // Unlocking makes update_moduleinfo() run completion_info::reset_all_state(): every user's completion
            // of the activity is deleted and recalculated (manual ticks are lost), and when the activity is a
            // course completion criterion, everyone's course completion goes with it. Moodle's form only unlocks
            // when the completion settings are changed; so does the plugin. Otherwise the completion fields read
            // by get_moduleinfo_data() are sent back as they are (completionexpected included).
            if (self::completion_changed($modname, $current, $desired)) {
                $mi->completionunlocked = 1;
                $expected = $mi->completionexpected;
                self::set_completion_fields($mi, $item);
                $mi->completionexpected = $expected;
            } else {
                $mi->completionunlocked = 0;
            }
            if (isset($options['availability'])) {
                self::set_availability($mi, $course, $options['availability'], $item['idnumber'], $what);
            }
            if ($modname === 'quiz' && $desired['options']['questionsperpage'] !== $current['options']['questionsperpage']) {
                // As the form's "Repaginate now": quiz_update_instance() repaginates the slots when the quiz has
                // no attempts (with attempts Moodle keeps the layout, and so does save_questions).
                $mi->repaginatenow = 1;
            }
            update_moduleinfo($cmrecord, $mi, $course, null);
        }

        $weight = $desired['options']['gradeweight'] ?? '';
        if ($modname === 'quiz' && $weight !== ($current['options']['gradeweight'] ?? '')) {
            self::set_grade_weight($course, (int) $cm->instance, $weight);
        }
        if ($modname === 'feedback' && isset($options['items']) && $options['items'] !== $current['options']['items']) {
            $feedback = $DB->get_record('feedback', ['id' => $cm->instance], '*', MUST_EXIST);
            feedback_items::save($feedback, feedback_items::parse($options['items'], $what));
        }
        return true;
    }

    /**
     * Whether the activity completion settings differ: the common fields (completion, completionview,
     * completionusegrade — completiongradeitemnumber in Moodle — and completionpassgrade) and the module's own
     * completion rule the plugin manages (feedback completionsubmit). Names, texts, files, visibility and the other
     * options are content: changing them must leave the users' completion data alone.
     *
     * @param string $modname
     * @param array $current state before the update
     * @param array $desired state wanted
     * @return bool
     */
    private static function completion_changed(string $modname, array $current, array $desired): bool {
        foreach (['completion', 'completionview', 'completionusegrade', 'completionpassgrade'] as $field) {
            if ($desired[$field] !== $current[$field]) {
                return true;
            }
        }
        return $modname === 'feedback'
            && $desired['options']['completionsubmit'] !== $current['options']['completionsubmit'];
    }

    /**
     * Complete the module info returned by get_moduleinfo_data() with the form-only fields each module's
     * update_instance() expects, then apply the desired options.
     *
     * @param stdClass $mi
     * @param string $modname
     * @param array $desired desired state
     * @param int|null $newfiles draft item id of a new resource file, or null to keep the file
     * @return void
     */
    private static function prepare_update_fields(stdClass $mi, string $modname, array $desired, ?int $newfiles): void {
        $options = $desired['options'];
        $displayoptions = [];
        if (isset($mi->displayoptions)) {
            $displayoptions = (array) (unserialize_array($mi->displayoptions) ?: []);
        }
        foreach (['printintro', 'printlastmodified', 'popupwidth', 'popupheight', 'showsize', 'showtype',
                'showdate'] as $field) {
            if (!isset($mi->$field)) {
                $mi->$field = $displayoptions[$field] ?? 0;
            }
        }
        switch ($modname) {
            case 'page':
                $mi->page = ['text' => $options['content'], 'format' => FORMAT_HTML, 'itemid' => 0];
                break;
            case 'url':
                $mi->externalurl = $options['externalurl'];
                $mi->display = (int) $options['display'];
                $parameters = unserialize_array((string) $mi->parameters) ?: [];
                $i = 0;
                foreach ($parameters as $parameter => $variable) {
                    $mi->{'parameter_' . $i} = $parameter;
                    $mi->{'variable_' . $i} = $variable;
                    $i++;
                }
                break;
            case 'forum':
                $mi->type = $options['type'];
                $mi->forcesubscribe = (int) $options['forcesubscribe'];
                break;
            case 'quiz':
                $mi->quizpassword = $mi->password;
                foreach (self::QUIZ_REVIEW_FIELDS as $field) {
                    $mask = (int) ($mi->{'review' . $field} ?? 0);
                    foreach (self::quiz_review_times() as $when => $bit) {
                        $mi->{$field . $when} = ($mask & $bit) ? 1 : 0;
                    }
                }
                if (in_array($options['reviewfeedback'], ['0', '1', 'closed'], true)) {
                    self::quiz_set_reviewfeedback($mi, $options['reviewfeedback']);
                }
                $mi->attempts = (int) $options['attempts'];
                $mi->timelimit = (int) $options['timelimit'];
                $mi->shuffleanswers = (int) $options['shuffleanswers'];
                $mi->preferredbehaviour = $options['preferredbehaviour'];
                $mi->navmethod = self::quiz_navmethod_to_moodle($options['navmethod']);
                $mi->questionsperpage = (int) $options['questionsperpage'];
                $mi->gradepass = (float) $options['gradepass'];
                $mi->completionminattemptsenabled = !empty($mi->completionminattempts) ? 1 : 0;
                break;
            case 'feedback':
                $mi->anonymous = (int) $options['anonymous'];
                $mi->completionsubmit = (int) $options['completionsubmit'];
                $mi->page_after_submit_editor = ['text' => (string) $mi->page_after_submit,
                    'format' => (int) $mi->page_after_submitformat, 'itemid' => 0];
                break;
            case 'resource':
                $mi->display = (int) $options['display'];
                $mi->files = $newfiles ?? 0;
                break;
            case 'bigbluebuttonbn':
                $mi->openingtime = (int) $options['openingtime'];
                $mi->closingtime = (int) $options['closingtime'];
                $mi->welcome = $options['welcome'];
                $mi->wait = (int) $options['wait'];
                $mi->record = (int) $options['record'];
                $mi->grade = $mi->grade ?? 0;
                // As the form does: the presentation file goes through a draft area (its name is kept in the table).
                $draftitemid = 0;
                file_prepare_draft_area($draftitemid, context_module::instance($mi->coursemodule)->id,
                    'mod_bigbluebuttonbn', 'presentation', 0);
                $mi->presentation = $draftitemid;
                break;
            case 'book':
                $mi->numbering = (int) $options['numbering'];
                $mi->navstyle = (int) $options['navstyle'];
                break;
        }
    }

    /**
     * The files of a draft area of the current user: [filename, contenthash] of its only file.
     *
     * @param int $draftitemid
     * @param string $what
     * @return array
     */
    private static function check_draft_area(int $draftitemid, string $what): array {
        global $USER;
        $fs = get_file_storage();
        $usercontext = \context_user::instance($USER->id);
        $files = $fs->get_area_files($usercontext->id, 'user', 'draft', $draftitemid, 'id', false);
        if (count($files) !== 1) {
            throw new invalid_parameter_exception("{$what}: draft area {$draftitemid} of the current user must hold "
                . 'exactly one file (it holds ' . count($files) . ')');
        }
        $file = reset($files);
        return [$file->get_filename(), $file->get_contenthash()];
    }

    /**
     * The managed fields of an activity as they are now: common fields and every readable option.
     *
     * @param stdClass $course
     * @param stdClass $cm course_modules row with modname
     * @return array
     */
    public static function state(stdClass $course, stdClass $cm): array {
        global $DB;
        $instance = $DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
        $sectionnumber = $DB->get_field('course_sections', 'section', ['id' => $cm->section]);
        $state = [
            'name' => (string) $instance->name,
            'intro' => (string) ($instance->intro ?? ''),
            'section' => (string) (int) $sectionnumber,
            'visible' => (string) (int) $cm->visible,
            'completion' => (string) (int) $cm->completion,
            'completionview' => (string) (int) $cm->completionview,
            'completionusegrade' => $cm->completiongradeitemnumber === null ? '0' : '1',
            'completionpassgrade' => (string) (int) $cm->completionpassgrade,
            'options' => self::read_options($course, $cm, $instance),
        ];
        return $state;
    }

    /**
     * Current option values of an activity.
     *
     * @param stdClass $course
     * @param stdClass $cm
     * @param stdClass $instance
     * @return string[]
     */
    private static function read_options(stdClass $course, stdClass $cm, stdClass $instance): array {
        global $CFG;
        require_once($CFG->dirroot . '/mod/' . $cm->modname . '/lib.php');
        require_once($CFG->libdir . '/gradelib.php');
        switch ($cm->modname) {
            case 'page':
                return ['content' => (string) $instance->content];
            case 'url':
                // A restriction is read back only when there is one (0.6.1), so links without any show no drift.
                $restriction = self::availability_read($cm);
                return ['externalurl' => (string) $instance->externalurl, 'display' => (string) (int) $instance->display]
                    + ($restriction === '[]' ? [] : ['availability' => $restriction]);
            case 'forum':
                return ['type' => (string) $instance->type, 'forcesubscribe' => (string) (int) $instance->forcesubscribe];
            case 'quiz':
                $gradeitem = grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'quiz',
                    'iteminstance' => $instance->id, 'itemnumber' => 0, 'courseid' => $course->id]);
                $after = display_options::IMMEDIATELY_AFTER | display_options::LATER_WHILE_OPEN
                    | display_options::AFTER_CLOSE;
                $specific = (int) $instance->reviewspecificfeedback & $after;
                $general = (int) $instance->reviewgeneralfeedback & $after;
                $right = (int) $instance->reviewrightanswer & $after;
                $closed = display_options::AFTER_CLOSE;
                if ($specific === $after && $general === $after) {
                    $review = '1';
                } else if ($specific === 0 && $general === 0) {
                    $review = '0';
                } else if ($specific === $closed && $general === $closed && $right === $closed) {
                    $review = 'closed';
                } else {
                    $review = 'custom';
                }
                $weight = $gradeitem && $gradeitem->weightoverride
                    ? ['gradeweight' => util::float_string($gradeitem->aggregationcoef2)] : [];
                return [
                    'attempts' => (string) (int) $instance->attempts,
                    'grade' => util::float_string($instance->grade),
                    'gradepass' => util::float_string($gradeitem ? $gradeitem->gradepass : 0),
                    'timelimit' => (string) (int) $instance->timelimit,
                    'shuffleanswers' => (string) (int) $instance->shuffleanswers,
                    'preferredbehaviour' => (string) $instance->preferredbehaviour,
                    'navmethod' => $instance->navmethod === QUIZ_NAVMETHOD_SEQ ? 'seq' : 'free',
                    'reviewfeedback' => $review,
                    'questionsperpage' => (string) (int) $instance->questionsperpage,
                    'availability' => self::availability_read($cm),
                ] + $weight;
            case 'feedback':
                return [
                    'items' => feedback_items::canonical_json(feedback_items::read($instance)),
                    'anonymous' => (string) (int) $instance->anonymous,
                    'completionsubmit' => (string) (int) $instance->completionsubmit,
                    'availability' => self::availability_read($cm),
                ];
            case 'resource':
                $context = context_module::instance($cm->id);
                $files = get_file_storage()->get_area_files($context->id, 'mod_resource', 'content', 0,
                    'sortorder DESC, id ASC', false, 0, 0, 1);
                $file = $files ? reset($files) : null;
                return [
                    'display' => (string) (int) $instance->display,
                    'filename' => $file ? $file->get_filename() : '',
                    'contenthash' => $file ? $file->get_contenthash() : '',
                ];
            case 'book':
                return ['numbering' => (string) (int) $instance->numbering,
                    'navstyle' => (string) (int) $instance->navstyle];
            case 'bigbluebuttonbn':
                return [
                    'openingtime' => (string) (int) $instance->openingtime,
                    'closingtime' => (string) (int) $instance->closingtime,
                    'welcome' => (string) $instance->welcome,
                    'wait' => (string) (int) $instance->wait,
                    'record' => (string) (int) $instance->record,
                ];
        }
        return [];
    }

    /**
     * The canonical form of the 'availability' option: a JSON list of activity idnumbers of the same course, each of
     * which a user must have completed (or passed) before the activity opens; [] for no restriction.
     *
     * @param string $value
     * @param string $what
     * @return string JSON list, without escaped slashes or Unicode
     */
    private static function availability_canonical(string $value, string $what): string {
        $data = json_decode($value, true);
        $dates = [];
        if (is_array($data) && $data !== [] && array_values($data) !== $data) {
            // The object form (0.6.1): {"after": [idnumbers], "from": unix time, "until": unix time}.
            $unknown = array_diff(array_keys($data), ['after', 'from', 'until']);
            if ($unknown) {
                throw new invalid_parameter_exception("{$what}: option 'availability' must be a JSON list of activity "
                    . "idnumbers, or an object with after, from and until (not '" . implode("', '", $unknown) . "')");
            }
            foreach (['from', 'until'] as $key) {
                if (array_key_exists($key, $data)) {
                    if (!is_int($data[$key]) || $data[$key] <= 0) {
                        throw new invalid_parameter_exception("{$what}: option 'availability' needs '{$key}' as a "
                            . 'Unix time above 0');
                    }
                    $dates[$key] = $data[$key];
                }
            }
            if (isset($dates['from'], $dates['until']) && $dates['from'] >= $dates['until']) {
                throw new invalid_parameter_exception("{$what}: option 'availability' opens ('from') after it "
                    . "closes ('until')");
            }
            $list = $data['after'] ?? [];
        } else {
            $list = $data;
        }
        if (!is_array($list) || array_values($list) !== $list) {
            throw new invalid_parameter_exception("{$what}: option 'availability' must be a JSON list of activity "
                . 'idnumbers, or an object with after, from and until');
        }
        foreach ($list as $idnumber) {
            if (!is_string($idnumber) || trim($idnumber) === '') {
                throw new invalid_parameter_exception("{$what}: option 'availability' must list non-empty idnumbers");
            }
        }
        if (count(array_unique($list)) !== count($list)) {
            throw new invalid_parameter_exception("{$what}: option 'availability' lists an activity twice");
        }
        return self::availability_json($list, $dates);
    }

    /**
     * The canonical text of a restriction: the plain JSON list of idnumbers when there are no dates (as before
     * 0.6.1), else {"after": [...], "from": ..., "until": ...} with only what is set.
     *
     * @param string[] $list
     * @param int[] $dates from and/or until
     * @return string
     */
    private static function availability_json(array $list, array $dates): string {
        $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
        if (!$dates) {
            return json_encode($list, $flags);
        }
        $object = $list ? ['after' => $list] : [];
        foreach (['from', 'until'] as $key) {
            if (isset($dates[$key])) {
                $object[$key] = $dates[$key];
            }
        }
        return json_encode($object, $flags);
    }

    /**
     * Put the restriction "available after completing each listed activity" on a module info object, as the
     * core_availability tree JSON of Moodle's form: an AND of completion conditions, each shown to users while unmet.
     * An activity that completes on a passing grade (completionpassgrade) is waited for as "complete and passed"
     * (e = COMPLETION_COMPLETE_PASS: the trainee reads that the test must be passed, and a trainer's manual "mark
     * complete" does not stand in for a pass); any other as "complete" (e = COMPLETION_COMPLETE).
     *
     * @param stdClass $mi module info for create_module() or update_moduleinfo()
     * @param stdClass $course
     * @param string $canonical the canonical option value
     * @param string $selfidnumber the idnumber of the activity being saved
     * @param string $what
     * @return void
     */
    private static function set_availability(stdClass $mi, stdClass $course, string $canonical, string $selfidnumber,
            string $what): void {
        global $CFG;
        $data = json_decode($canonical, true);
        $isobject = is_array($data) && $data !== [] && array_values($data) !== $data;
        $list = $isobject ? ($data['after'] ?? []) : $data;
        $dates = $isobject ? array_intersect_key($data, ['from' => 1, 'until' => 1]) : [];
        if (!$list && !$dates) {
            $mi->availabilityconditionsjson = '';
            $mi->availability = null;
            return;
        }
        if (empty($CFG->enableavailability)) {
            throw new invalid_parameter_exception("{$what}: restricting access needs 'Enable restricted access' "
                . '(enableavailability) turned on in the site administration');
        }
        $conditions = [];
        foreach ($list as $idnumber) {
            if ($idnumber === $selfidnumber) {
                throw new invalid_parameter_exception("{$what}: an activity cannot wait for its own completion");
            }
            $cm = util::get_cm_by_idnumber($course->id, $idnumber);
            if (!$cm) {
                throw new invalid_parameter_exception("{$what}: availability needs activity '{$idnumber}', which is "
                    . "not in course {$course->id} (save it first, earlier in the list)");
            }
            if ((int) $cm->completion === COMPLETION_TRACKING_NONE) {
                throw new invalid_parameter_exception("{$what}: availability needs the completion of '{$idnumber}', "
                    . 'which does not track completion');
            }
            $conditions[] = ['type' => 'completion', 'cm' => (int) $cm->id, 'e' => self::expected_completion($cm)];
        }
        // availability_date: open from 'from', closed from 'until' on (Moodle's "until" is exclusive: d = '<').
        if (isset($dates['from'])) {
            $conditions[] = ['type' => 'date', 'd' => '>=', 't' => (int) $dates['from']];
        }
        if (isset($dates['until'])) {
            $conditions[] = ['type' => 'date', 'd' => '<', 't' => (int) $dates['until']];
        }
        $tree = ['op' => '&', 'c' => $conditions, 'showc' => array_fill(0, count($conditions), true)];
        $json = json_encode($tree);
        new \core_availability\tree(json_decode($json)); // Throws on a structure Moodle would refuse.
        $mi->availabilityconditionsjson = $json;
        $mi->availability = $json;
    }

    /**
     * The completion state a restriction waits for on a course module: passed for one that completes on a passing
     * grade, complete for any other.
     *
     * @param stdClass $cm course_modules row
     * @return int COMPLETION_COMPLETE_PASS or COMPLETION_COMPLETE
     */
    private static function expected_completion(stdClass $cm): int {
        return empty($cm->completionpassgrade) ? COMPLETION_COMPLETE : COMPLETION_COMPLETE_PASS;
    }

    /**
     * The 'availability' option as it is now: the idnumbers of the activities whose completion the activity waits
     * for, when its restriction is exactly what set_availability() writes; 'custom' for anything else (a date,
     * a group, a condition on an activity without idnumber...), so a restriction edited in Moodle shows as drift.
     *
     * @param stdClass $cm course_modules row
     * @return string
     */
    private static function availability_read(stdClass $cm): string {
        global $CFG, $DB;
        require_once($CFG->libdir . '/completionlib.php');
        if ((string) $cm->availability === '') {
            return '[]';
        }
        $tree = json_decode($cm->availability);
        if (!is_object($tree) || ($tree->op ?? '') !== '&' || !isset($tree->c) || !is_array($tree->c)) {
            return 'custom';
        }
        if (!isset($tree->showc) || $tree->showc !== array_fill(0, count($tree->c), true)) {
            return 'custom';
        }
        $idnumbers = [];
        $dates = [];
        foreach ($tree->c as $condition) {
            $isdate = ($condition->type ?? '') === 'date' && isset($condition->t);
            if ($isdate && in_array($condition->d ?? '', ['>=', '<'], true)) {
                $key = $condition->d === '>=' ? 'from' : 'until';
                if (isset($dates[$key])) {
                    return 'custom';
                }
                $dates[$key] = (int) $condition->t;
                continue;
            }
            if (($condition->type ?? '') !== 'completion' || !isset($condition->cm)) {
                return 'custom';
            }
            $other = $DB->get_record('course_modules', ['id' => (int) $condition->cm, 'course' => $cm->course],
                'id, idnumber, completionpassgrade');
            if (!$other || (string) $other->idnumber === ''
                    || (int) ($condition->e ?? -1) !== self::expected_completion($other)) {
                // An activity waited for as merely complete although it completes on a pass (written by plugin
                // versions before 2026120450, or by hand) is drift: saving it again asks for the pass.
                return 'custom';
            }
            $idnumbers[] = (string) $other->idnumber;
        }
        return self::availability_json($idnumbers, $dates);
    }

    /**
     * Describe the activities of a course that have an idnumber.
     *
     * @param stdClass $course
     * @return array list of activity descriptions (see describe_courses)
     */
    public static function describe(stdClass $course): array {
        global $CFG;
        require_once($CFG->libdir . '/gradelib.php');
        $managed = items::get_all($course->id, items::KIND_ACTIVITY);
        $modinfo = get_fast_modinfo($course);
        $result = [];
        foreach ($modinfo->get_cms() as $cminfo) {
            if ((string) $cminfo->idnumber === '' || $cminfo->deletioninprogress) {
                continue;
            }
            $cm = $cminfo->get_course_module_record(true);
            $state = in_array($cm->modname, self::MODNAMES, true) ? self::state($course, $cm) : null;
            $item = $managed[$cminfo->idnumber] ?? null;
            $options = [];
            foreach ($state['options'] ?? [] as $name => $value) {
                $options[] = ['name' => $name, 'value' => $value];
            }
            $result[] = [
                'cmid' => (int) $cm->id,
                'idnumber' => (string) $cm->idnumber,
                'modname' => $cm->modname,
                'instance' => (int) $cm->instance,
                'name' => $state ? $state['name'] : (string) $cminfo->name,
                'intro' => $state ? $state['intro'] : '',
                'section' => (int) $cminfo->sectionnum,
                'visible' => (int) $cm->visible,
                'completion' => (int) $cm->completion,
                'completionview' => (int) $cm->completionview,
                'completionusegrade' => $cm->completiongradeitemnumber === null ? 0 : 1,
                'completionpassgrade' => (int) $cm->completionpassgrade,
                'options' => $options,
                'managed' => $item !== null,
                'spechash' => $item ? $item->spechash : '',
                'drift' => $item !== null && $state !== null && $item->statehash !== util::hash($state),
            ];
        }
        return $result;
    }
}
