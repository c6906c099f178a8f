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
use core_question\local\bank\question_version_status;
use invalid_parameter_exception;
use moodle_exception;
use question_bank;
use stdClass;

/**
 * Questions of a quiz: Moodle XML imported into the quiz's own question bank, keyed by question idnumber; slots and
 * marks of the quiz.
 *
 * A question whose XML changed (or that was edited in Moodle since the plugin wrote it) gets a new version of the
 * same question bank entry; slots reference "always the latest version", so the quiz follows. An unchanged question
 * is left alone. Where the quiz question bank lives differs by Moodle version: on 4.5 the quiz module context holds
 * its own default category (question_make_default_categories()); from 5.0 the same quiz-context bank is reached
 * through question_get_default_category($contextid, true), the course-level banks having moved to mod_qbank.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class questions {
    /** @var int First Moodle branch in which quiz question banks work the 5.0 way. */
    private const BRANCH_QBANK = 500;

    /**
     * Import the questions of one quiz and bring its slots in line.
     *
     * @param stdClass $course
     * @param array $item one validated item of save_questions
     * @return array result item of save_questions
     */
    public static function save(stdClass $course, array $item): array {
        global $CFG, $DB;
        require_once($CFG->libdir . '/questionlib.php');
        require_once($CFG->dirroot . '/question/format.php');
        require_once($CFG->dirroot . '/question/format/xml/format.php');
        require_once($CFG->dirroot . '/mod/quiz/locallib.php');

        $quizidnumber = $item['quiz'];
        $what = "quiz '{$quizidnumber}'";
        $cm = util::get_cm_by_idnumber($course->id, $quizidnumber);
        if (!$cm || $cm->modname !== 'quiz') {
            throw new invalid_parameter_exception("{$what}: no quiz with this idnumber in course {$course->id}");
        }
        $context = context_module::instance($cm->id);
        require_capability('mod/quiz:manage', $context);
        require_capability('moodle/question:add', $context);
        require_capability('moodle/question:editall', $context);
        $quiz = $DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST);
        $quiz->cmid = $cm->id;
        $category = self::quiz_category($context);

        // Import.
        $seen = [];
        $results = [];
        $desired = [];
        foreach ($item['questions'] as $question) {
            $idnumber = $question['idnumber'];
            $qwhat = "question '{$idnumber}' of {$what}";
            if (trim($idnumber) === '' || \core_text::strlen($idnumber) > 100) {
                throw new invalid_parameter_exception("{$qwhat}: the idnumber must have 1 to 100 characters");
            }
            util::check_unique($seen, $idnumber, $qwhat);
            $spechash = util::check_spechash($question['spechash'], $qwhat);
            $maxmark = (float) $question['maxmark'];
            if ($maxmark < 0 || $maxmark > 1000) {
                throw new invalid_parameter_exception("{$qwhat}: maxmark must be between 0 and 1000");
            }
            [$entryid, $questionid, $version, $action] = self::import_one($course, $context, $category, $question, $qwhat);
            $desired[] = ['entryid' => $entryid, 'questionid' => $questionid, 'maxmark' => $maxmark];
            $results[$idnumber] = ['idnumber' => $idnumber, 'questionid' => $questionid, 'version' => $version,
                'slot' => 0, 'action' => $action, 'spechash' => $spechash, 'entryid' => $entryid,
                'sourcehash' => self::source_hash($question['xml'], $questionid)];
        }

        // Pack questions of this quiz that are no longer listed.
        $removedentries = [];
        if ($item['removemissing']) {
            foreach (self::managed_entries($course->id, $context) as $idnumber => $entryid) {
                if (!isset($results[$idnumber])) {
                    $removedentries[$idnumber] = $entryid;
                }
            }
        }

        $structurechanged = self::sync_slots($quiz, $context, $desired, array_values($removedentries), $what);

        foreach ($removedentries as $idnumber => $entryid) {
            self::delete_entry($entryid);
            items::delete($course->id, items::KIND_QUESTION, $idnumber);
        }

        // Slot numbers and state hashes.
        $slots = self::current_slots($quiz, $context);
        $slotbyentry = [];
        foreach ($slots as $slot) {
            if ($slot->entryid) {
                $slotbyentry[$slot->entryid] = $slot;
            }
        }
        $questions = [];
        foreach ($results as $idnumber => $result) {
            $slot = $slotbyentry[$result['entryid']] ?? null;
            $result['slot'] = $slot ? (int) $slot->slot : 0;
            $statehash = util::hash(self::question_state($result['questionid'], $slot));
            items::save($course->id, items::KIND_QUESTION, $idnumber, $result['entryid'], $result['spechash'],
                $result['sourcehash'], $statehash);
            unset($result['spechash'], $result['entryid'], $result['sourcehash']);
            $questions[] = $result;
        }

        return [
            'courseid' => (int) $course->id,
            'quiz' => $quizidnumber,
            'cmid' => (int) $cm->id,
            'questions' => $questions,
            'removed' => array_keys($removedentries),
            'structurechanged' => $structurechanged,
        ];
    }

    /**
     * The source hash of a question: its XML and the question (version) the plugin made of it. A re-import is
     * needed when either changed: new XML, or a newer version made in Moodle since.
     *
     * @param string $xml
     * @param int $questionid
     * @return string
     */
    private static function source_hash(string $xml, int $questionid): string {
        return sha1(sha1($xml) . ':' . $questionid);
    }

    /**
     * The state of a question that drift is measured on: the latest version and the slot's mark.
     *
     * @param int $questionid id of the latest version
     * @param stdClass|null $slot
     * @return array
     */
    private static function question_state(int $questionid, ?stdClass $slot): array {
        return ['questionid' => $questionid, 'maxmark' => $slot ? util::float_string($slot->maxmark) : ''];
    }

    /**
     * The default question category of the quiz's own question bank, created if needed.
     *
     * @param context_module $context quiz context
     * @return stdClass
     */
    public static function quiz_category(context_module $context): stdClass {
        global $CFG;
        if ((int) $CFG->branch >= self::BRANCH_QBANK) {
            // Moodle 5.0+: question_make_default_categories() is deprecated; module contexts hold the banks.
            return question_get_default_category($context->id, true);
        }
        return question_make_default_categories([$context]);
    }

    /**
     * Question bank entries of the quiz context that carry this idnumber.
     *
     * @param context_module $context
     * @param string $idnumber
     * @return stdClass|null
     */
    private static function find_entry(context_module $context, string $idnumber): ?stdClass {
        global $DB;
        $sql = "SELECT qbe.*
                  FROM {question_bank_entries} qbe
                  JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
                 WHERE qc.contextid = :contextid AND qbe.idnumber = :idnumber";
        $records = $DB->get_records_sql($sql, ['contextid' => $context->id, 'idnumber' => $idnumber], 0, 1);
        return $records ? reset($records) : null;
    }

    /**
     * Latest version of an entry: [questionid, version].
     *
     * @param int $entryid
     * @return array
     */
    private static function latest_version(int $entryid): array {
        global $DB;
        $records = $DB->get_records('question_versions', ['questionbankentryid' => $entryid], 'version DESC',
            'id, questionid, version', 0, 1);
        $record = reset($records);
        return $record ? [(int) $record->questionid, (int) $record->version] : [0, 0];
    }

    /**
     * Idnumber => question bank entry id of the pack-managed questions that live in this quiz's bank.
     *
     * @param int $courseid
     * @param context_module $context
     * @return int[]
     */
    private static function managed_entries(int $courseid, context_module $context): array {
        global $DB;
        $sql = "SELECT i.idnumber, qbe.id
                  FROM {" . items::TABLE . "} i
                  JOIN {question_bank_entries} qbe ON qbe.id = i.objectid
                  JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
                 WHERE i.courseid = :courseid AND i.kind = :kind AND qc.contextid = :contextid
              ORDER BY i.id";
        return array_map('intval', $DB->get_records_sql_menu($sql, ['courseid' => $courseid,
            'kind' => items::KIND_QUESTION, 'contextid' => $context->id]));
    }

    /**
     * Import one question unless nothing changed.
     *
     * @param stdClass $course
     * @param context_module $context
     * @param stdClass $category
     * @param array $question validated question of the item
     * @param string $what
     * @return array [entry id, question id of the latest version, version, action]
     */
    private static function import_one(stdClass $course, context_module $context, stdClass $category, array $question,
            string $what): array {
        global $DB;
        $idnumber = $question['idnumber'];
        $entry = self::find_entry($context, $idnumber);
        $row = items::get($course->id, items::KIND_QUESTION, $idnumber);
        if ($row && (!$entry || (int) $row->objectid !== (int) $entry->id)
                && $DB->record_exists('question_bank_entries', ['id' => $row->objectid])) {
            throw new invalid_parameter_exception("{$what}: this idnumber already belongs to a question of another "
                . 'quiz of the course');
        }

        $qo = self::parse_xml($question['xml'], $idnumber, $what);

        if ($entry) {
            [$questionid, $version] = self::latest_version((int) $entry->id);
            $unchanged = $row && (int) $row->objectid === (int) $entry->id
                && $row->sourcehash === self::source_hash($question['xml'], $questionid);
            if ($unchanged) {
                return [(int) $entry->id, $questionid, $version, 'unchanged'];
            }
        }
        [$entryid, $questionid, $version] = self::store($qo, $category, $context, $entry);
        return [$entryid, $questionid, $version, $entry ? 'updated' : 'created'];
    }

    /**
     * Parse the Moodle XML of one question with qformat_xml.
     *
     * @param string $xml
     * @param string $idnumber
     * @param string $what
     * @return stdClass the question object as produced by the importer
     */
    private static function parse_xml(string $xml, string $idnumber, string $what): stdClass {
        if (trim($xml) === '') {
            throw new invalid_parameter_exception("{$what}: the XML is empty");
        }
        // Check the envelope first: qformat_xml assumes a <quiz> with questions and warns otherwise.
        $previous = libxml_use_internal_errors(true);
        $dom = new \DOMDocument();
        $loaded = $dom->loadXML($xml, LIBXML_NONET);
        libxml_clear_errors();
        libxml_use_internal_errors($previous);
        if (!$loaded || !$dom->documentElement || $dom->documentElement->nodeName !== 'quiz') {
            throw new invalid_parameter_exception("{$what}: the XML cannot be read: it must be a well-formed <quiz> "
                . 'document');
        }
        $count = 0;
        foreach ($dom->documentElement->childNodes as $node) {
            if ($node->nodeType !== XML_ELEMENT_NODE) {
                continue;
            }
            if ($node->nodeName !== 'question' || $node->getAttribute('type') === 'category') {
                throw new invalid_parameter_exception("{$what}: the XML must hold exactly one question and nothing "
                    . "else (found <{$node->nodeName}>)");
            }
            $count++;
        }
        if ($count !== 1) {
            throw new invalid_parameter_exception("{$what}: the XML must hold exactly one question (found {$count})");
        }

        $format = new \qformat_xml();
        $format->set_display_progress(false);
        ob_start();
        try {
            $parsed = $format->readquestions([$xml]);
        } catch (\Throwable $e) {
            ob_end_clean();
            throw new invalid_parameter_exception("{$what}: the XML cannot be read: " . $e->getMessage());
        }
        $errors = trim(html_to_text(ob_get_clean(), 0, false));
        if ($errors !== '' || $format->importerrors > 0) {
            throw new invalid_parameter_exception("{$what}: the XML cannot be imported: {$errors}");
        }
        $parsed = is_array($parsed) ? array_values(array_filter($parsed, fn($q) => $q->qtype !== 'category')) : [];
        if (count($parsed) !== 1) {
            throw new invalid_parameter_exception("{$what}: the XML must hold exactly one question (found "
                . count($parsed) . ')');
        }
        $qo = $parsed[0];
        if (in_array($qo->qtype, ['random', 'randomsamatch'], true) || !question_bank::is_qtype_installed($qo->qtype)) {
            throw new invalid_parameter_exception("{$what}: question type '{$qo->qtype}' is not supported here");
        }
        if (isset($qo->idnumber) && (string) $qo->idnumber !== '' && (string) $qo->idnumber !== $idnumber) {
            throw new invalid_parameter_exception("{$what}: the XML has idnumber '{$qo->idnumber}'");
        }
        $qo->idnumber = $idnumber;
        if (!empty($qo->fraction) && is_array($qo->fraction)) {
            $options = question_bank::fraction_options_full();
            foreach ($qo->fraction as $key => $fraction) {
                $matched = match_grade_options($options, $fraction, 'error');
                if ($matched === false) {
                    throw new invalid_parameter_exception("{$what}: answer grade {$fraction} is not one Moodle "
                        . 'accepts');
                }
                $qo->fraction[$key] = $matched;
            }
        }
        return $qo;
    }

    /**
     * Store a parsed question as a new entry, or as a new version of an existing entry.
     *
     * @param stdClass $qo
     * @param stdClass $category
     * @param context_module $context
     * @param stdClass|null $entry
     * @return array [entry id, question id, version]
     */
    private static function store(stdClass $qo, stdClass $category, context_module $context, ?stdClass $entry): array {
        global $DB, $USER;
        $now = time();
        $qo->category = $category->id;
        $qo->context = $context;
        $qo->contextid = $context->id;
        $qo->stamp = make_unique_id_code();
        $qo->createdby = $USER->id;
        $qo->modifiedby = $USER->id;
        $qo->timecreated = $now;
        $qo->timemodified = $now;
        $qo->parent = 0;
        $qo->id = $DB->insert_record('question', $qo);

        if (!$entry) {
            $entry = (object) [
                'questioncategoryid' => $category->id,
                'idnumber' => $qo->idnumber,
                'ownerid' => $USER->id,
            ];
            $entry->id = $DB->insert_record('question_bank_entries', $entry);
            $version = 1;
            $isnew = true;
        } else {
            $version = (int) $DB->get_field('question_versions', 'MAX(version)', ['questionbankentryid' => $entry->id]) + 1;
            $isnew = false;
        }
        $DB->insert_record('question_versions', (object) [
            'questionbankentryid' => $entry->id,
            'questionid' => $qo->id,
            'version' => $version,
            'status' => question_version_status::QUESTION_STATUS_READY,
        ]);

        $fileoptions = ['subdirs' => true, 'maxfiles' => -1, 'maxbytes' => 0];
        foreach (['questiontext', 'generalfeedback'] as $area) {
            if (isset($qo->{$area . 'itemid'})) {
                $qo->$area = file_save_draft_area_files($qo->{$area . 'itemid'}, $context->id, 'question', $area,
                    $qo->id, $fileoptions, $qo->$area);
            } else if (isset($qo->{$area . 'files'})) {
                foreach ($qo->{$area . 'files'} as $file) {
                    question_bank::get_qtype($qo->qtype)->import_file($context, 'question', $area, $qo->id, $file);
                }
            }
        }
        $DB->update_record('question', $qo);

        $result = question_bank::get_qtype($qo->qtype)->save_question_options($qo);
        if (!empty($result->error)) {
            throw new invalid_parameter_exception("question '{$qo->idnumber}': " . $result->error);
        }
        if (!empty($qo->tags) && \core_tag_tag::is_enabled('core_question', 'question')) {
            \core_tag_tag::set_item_tags('core_question', 'question', $qo->id, $context, $qo->tags);
        }
        if ($isnew) {
            \core\event\question_created::create_from_question_instance($qo, $context)->trigger();
        } else {
            \core\event\question_updated::create_from_question_instance($qo, $context)->trigger();
        }
        question_bank::notify_question_edited($qo->id);
        return [(int) $entry->id, (int) $qo->id, $version];
    }

    /**
     * Delete every version of a question bank entry (versions still used by attempts are hidden instead, by
     * question_delete_question()).
     *
     * @param int $entryid
     * @return void
     */
    private static function delete_entry(int $entryid): void {
        global $DB;
        foreach ($DB->get_fieldset_select('question_versions', 'questionid', 'questionbankentryid = ?', [$entryid])
                as $questionid) {
            question_delete_question((int) $questionid);
        }
    }

    /**
     * The slots of a quiz in order, with the referenced entry (0 for a random question) and pinned version.
     *
     * @param stdClass $quiz
     * @param context_module $context
     * @return stdClass[]
     */
    public static function current_slots(stdClass $quiz, context_module $context): array {
        global $DB;
        $sql = "SELECT slot.id, slot.slot, slot.page, slot.maxmark,
                       COALESCE(qr.questionbankentryid, 0) AS entryid, qr.version
                  FROM {quiz_slots} slot
             LEFT JOIN {question_references} qr ON qr.itemid = slot.id AND qr.component = 'mod_quiz'
                       AND qr.questionarea = 'slot' AND qr.usingcontextid = :contextid
                 WHERE slot.quizid = :quizid
              ORDER BY slot.slot";
        return array_values($DB->get_records_sql($sql, ['contextid' => $context->id, 'quizid' => $quiz->id]));
    }

    /**
     * Put the listed questions first, in order, with their marks and pages; slots of other questions follow in
     * their current order; slots of removed entries go.
     *
     * @param stdClass $quiz
     * @param context_module $context
     * @param array $desired list of [entryid, questionid, maxmark]
     * @param int[] $removed entry ids to take out of the quiz
     * @param string $what
     * @return bool whether the order or membership of slots changed
     */
    private static function sync_slots(stdClass $quiz, context_module $context, array $desired, array $removed,
            string $what): bool {
        global $DB;
        $current = self::current_slots($quiz, $context);
        $listed = [];
        foreach ($desired as $entry) {
            $listed[$entry['entryid']] = true;
        }
        $others = [];
        foreach ($current as $slot) {
            if ($slot->entryid && (isset($listed[$slot->entryid]) || in_array((int) $slot->entryid, $removed))) {
                continue;
            }
            $others[] = $slot;
        }

        // The wanted order: [entryid or null for a kept slot, maxmark, page].
        $wanted = [];
        foreach ($desired as $entry) {
            $wanted[] = ['entryid' => (int) $entry['entryid'], 'questionid' => (int) $entry['questionid'],
                'maxmark' => util::float_string($entry['maxmark']), 'slot' => null];
        }
        foreach ($others as $slot) {
            $wanted[] = ['entryid' => (int) $slot->entryid, 'questionid' => 0, 'maxmark' => util::float_string($slot->maxmark),
                'slot' => $slot];
        }

        // Same slots in the same order: only marks, pinned versions and pages may need a change.
        $sameorder = count($wanted) === count($current);
        if ($sameorder) {
            foreach ($wanted as $i => $want) {
                $have = $current[$i];
                if ($want['slot'] ? (int) $want['slot']->id !== (int) $have->id : (int) $have->entryid !== $want['entryid']) {
                    $sameorder = false;
                    break;
                }
            }
        }
        $perpage = (int) $quiz->questionsperpage;
        $sectionstarts = [];
        if ($sameorder) {
            // Section headings stay when the slots stay: pages break there too, as quiz_repaginate_questions() does.
            $sectionstarts = array_map('intval', $DB->get_fieldset_select('quiz_sections', 'firstslot',
                'quizid = ? AND firstslot <> 1', [$quiz->id]));
        }
        $pages = self::paginate(count($wanted), $perpage, $sectionstarts);
        foreach ($wanted as $i => $want) {
            $wanted[$i]['page'] = $pages[$i];
        }
        $quizobj = \mod_quiz\quiz_settings::create((int) $quiz->id);
        $structure = $quizobj->get_structure();
        if ($sameorder) {
            $changed = false;
            foreach ($wanted as $i => $want) {
                $have = $current[$i];
                if ($want['slot'] === null && util::float_string($have->maxmark) !== $want['maxmark']) {
                    $slotrecord = $DB->get_record('quiz_slots', ['id' => $have->id], '*', MUST_EXIST);
                    $structure->update_slot_maxmark($slotrecord, (float) $want['maxmark']);
                    $changed = true;
                }
                if ($want['slot'] === null && $have->version !== null) {
                    $structure->update_slot_version((int) $have->id, null);
                }
            }
            if ($changed) {
                $quizobj->get_grade_calculator()->recompute_quiz_sumgrades();
            }
            // Pages that no longer follow questionsperpage (changed since the slots were laid out) are laid out
            // again, as the quiz form's "Repaginate now" does: not a structure change. With attempts Moodle keeps
            // the layout (attempts have their own), and so does the plugin: no refusal for pages alone.
            $samepages = true;
            foreach ($wanted as $i => $want) {
                if ((int) $current[$i]->page !== $want['page']) {
                    $samepages = false;
                    break;
                }
            }
            if (!$samepages && !quiz_has_attempts($quiz->id)) {
                quiz_repaginate_questions((int) $quiz->id, $perpage);
            }
            return false;
        }

        // Order or membership differ: rebuild the quiz's slots.
        if (quiz_has_attempts($quiz->id)) {
            throw new moodle_exception('quizhasattempts', 'local_cooperare', '', $what);
        }
        foreach ($others as $slot) {
            if (!$slot->entryid) {
                throw new invalid_parameter_exception("{$what}: the quiz has random questions; the plugin cannot "
                    . 'reorder it');
            }
        }
        foreach ($DB->get_records('quiz_sections', ['quizid' => $quiz->id], 'firstslot DESC') as $section) {
            if ((int) $section->firstslot !== 1) {
                $structure->remove_section_heading($section->id);
            }
        }
        for ($slotnumber = count($current); $slotnumber >= 1; $slotnumber--) {
            // A fresh structure each time: remove_slot() renumbers what follows.
            \mod_quiz\quiz_settings::create((int) $quiz->id)->get_structure()->remove_slot($slotnumber);
        }
        foreach ($wanted as $want) {
            $questionid = $want['questionid'] ?: self::latest_version($want['entryid'])[0];
            quiz_add_quiz_question($questionid, $quiz, $want['page'], (float) $want['maxmark']);
        }
        \mod_quiz\quiz_settings::create((int) $quiz->id)->get_grade_calculator()->recompute_quiz_sumgrades();
        return true;
    }

    /**
     * The page of each slot as quiz_repaginate_questions() lays them out: a new page after $perpage slots (0: all
     * on one page) and at the first slot of every section heading.
     *
     * @param int $count number of slots
     * @param int $perpage questions per page
     * @param int[] $sectionstarts first slots of the sections other than the first
     * @return int[] page of slot 1, 2, ... (0-based list)
     */
    public static function paginate(int $count, int $perpage, array $sectionstarts): array {
        $pages = [];
        $page = 1;
        $onpage = 0;
        for ($slot = 1; $slot <= $count; $slot++) {
            if (in_array($slot, $sectionstarts, true) || ($onpage && $onpage === $perpage)) {
                $page++;
                $onpage = 0;
            }
            $pages[] = $page;
            $onpage++;
        }
        return $pages;
    }

    /**
     * Describe the questions (with idnumber) of the quizzes of a course.
     *
     * @param stdClass $course
     * @return array list of question descriptions (see describe_courses)
     */
    public static function describe(stdClass $course): array {
        global $DB;
        $managed = items::get_all($course->id, items::KIND_QUESTION);
        $result = [];
        foreach (get_fast_modinfo($course)->get_instances_of('quiz') as $cminfo) {
            if ((string) $cminfo->idnumber === '' || $cminfo->deletioninprogress) {
                continue;
            }
            $context = context_module::instance($cminfo->id);
            $quiz = (object) ['id' => $cminfo->instance];
            $slotbyentry = [];
            foreach (self::current_slots($quiz, $context) as $slot) {
                if ($slot->entryid) {
                    $slotbyentry[$slot->entryid] = $slot;
                }
            }
            $sql = "SELECT qbe.id, qbe.idnumber
                      FROM {question_bank_entries} qbe
                      JOIN {question_categories} qc ON qc.id = qbe.questioncategoryid
                     WHERE qc.contextid = :contextid AND qbe.idnumber IS NOT NULL AND qbe.idnumber <> ''
                  ORDER BY qbe.id";
            foreach ($DB->get_records_sql($sql, ['contextid' => $context->id]) as $entry) {
                [$questionid, $version] = self::latest_version((int) $entry->id);
                $qtype = (string) $DB->get_field('question', 'qtype', ['id' => $questionid]);
                $slot = $slotbyentry[$entry->id] ?? null;
                $item = $managed[$entry->idnumber] ?? null;
                if ($item && (int) $item->objectid !== (int) $entry->id) {
                    $item = null;
                }
                $result[] = [
                    'quiz' => (string) $cminfo->idnumber,
                    'idnumber' => (string) $entry->idnumber,
                    'questionid' => $questionid,
                    'version' => $version,
                    'qtype' => $qtype,
                    'slot' => $slot ? (int) $slot->slot : 0,
                    'page' => $slot ? (int) $slot->page : 0,
                    'maxmark' => $slot ? (float) $slot->maxmark : 0.0,
                    'managed' => $item !== null,
                    'spechash' => $item ? $item->spechash : '',
                    'drift' => $item !== null && $item->statehash !== util::hash(self::question_state($questionid, $slot)),
                ];
            }
        }
        return $result;
    }
}
