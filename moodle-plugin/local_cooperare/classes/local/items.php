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

use stdClass;

/**
 * The table local_cooperare_item: which objects the plugin wrote, with the client's spec hash and the state hash.
 *
 * One row per (course, kind, idnumber). A row means "written and managed by local_cooperare": only such objects
 * may be deleted through the plugin, and describe_courses reports drift by comparing the stored statehash with a
 * hash of the object's managed fields as they are now.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class items {
    /** @var string The table name. */
    public const TABLE = 'local_cooperare_item';

    /** @var string Kind of a course section (idnumber: the section number). */
    public const KIND_SECTION = 'section';
    /** @var string Kind of an activity (idnumber: the course module idnumber). */
    public const KIND_ACTIVITY = 'activity';
    /** @var string Kind of a question (idnumber: the question bank entry idnumber). */
    public const KIND_QUESTION = 'question';
    /** @var string Kind of the course completion criteria (idnumber: 'course'). */
    public const KIND_COMPLETION = 'completion';
    /** @var string Kind of a cohort sync enrolment instance (idnumber: the cohort idnumber). */
    public const KIND_COHORTSYNC = 'cohortsync';
    /** @var string Kind of a self or guest enrolment instance (idnumber: 'self' or 'guest'). */
    public const KIND_ENROLMETHOD = 'enrolmethod';
    /** @var string Kind of a calendar event (idnumber: the client's key; courseid SITEID for a site event). */
    public const KIND_CALENDAREVENT = 'calendarevent';

    /**
     * One row, or null.
     *
     * @param int $courseid
     * @param string $kind
     * @param string $idnumber
     * @return stdClass|null
     */
    public static function get(int $courseid, string $kind, string $idnumber): ?stdClass {
        global $DB;
        $record = $DB->get_record(self::TABLE, ['courseid' => $courseid, 'kind' => $kind, 'idnumber' => $idnumber]);
        return $record ?: null;
    }

    /**
     * All rows of one kind in a course, keyed by idnumber.
     *
     * @param int $courseid
     * @param string $kind
     * @return stdClass[]
     */
    public static function get_all(int $courseid, string $kind): array {
        global $DB;
        $result = [];
        foreach ($DB->get_records(self::TABLE, ['courseid' => $courseid, 'kind' => $kind], 'id') as $record) {
            $result[$record->idnumber] = $record;
        }
        return $result;
    }

    /**
     * Insert or update a row; writes nothing when nothing changed.
     *
     * @param int $courseid
     * @param string $kind
     * @param string $idnumber
     * @param int $objectid
     * @param string $spechash
     * @param string $sourcehash
     * @param string $statehash
     * @return void
     */
    public static function save(int $courseid, string $kind, string $idnumber, int $objectid, string $spechash,
            string $sourcehash, string $statehash): void {
        global $DB;
        $record = self::get($courseid, $kind, $idnumber);
        $values = [
            'objectid' => $objectid,
            'spechash' => $spechash,
            'sourcehash' => $sourcehash,
            'statehash' => $statehash,
        ];
        if ($record === null) {
            $record = (object) ($values + ['courseid' => $courseid, 'kind' => $kind, 'idnumber' => $idnumber]);
            $record->timemodified = time();
            $DB->insert_record(self::TABLE, $record);
            return;
        }
        $changed = false;
        foreach ($values as $field => $value) {
            if ((string) $record->$field !== (string) $value) {
                $record->$field = $value;
                $changed = true;
            }
        }
        if ($changed) {
            $record->timemodified = time();
            $DB->update_record(self::TABLE, $record);
        }
    }

    /**
     * Of some objects (keyed by id, in id order), the one the row of (course, kind, idnumber) points at, else the
     * first, else null.
     *
     * @param int $courseid
     * @param string $kind
     * @param string $idnumber
     * @param stdClass[] $candidates
     * @return stdClass|null
     */
    public static function managed_or_first(int $courseid, string $kind, string $idnumber,
            array $candidates): ?stdClass {
        if (!$candidates) {
            return null;
        }
        $row = self::get($courseid, $kind, $idnumber);
        if ($row && isset($candidates[$row->objectid])) {
            return $candidates[$row->objectid];
        }
        return reset($candidates);
    }

    /**
     * Delete one row (if present).
     *
     * @param int $courseid
     * @param string $kind
     * @param string $idnumber
     * @return void
     */
    public static function delete(int $courseid, string $kind, string $idnumber): void {
        global $DB;
        $DB->delete_records(self::TABLE, ['courseid' => $courseid, 'kind' => $kind, 'idnumber' => $idnumber]);
    }

    /**
     * Delete the question rows of a course whose question bank entry no longer exists (its quiz was deleted).
     *
     * @param int $courseid
     * @return void
     */
    public static function delete_orphan_questions(int $courseid): void {
        global $DB;
        $sql = "SELECT i.id
                  FROM {" . self::TABLE . "} i
             LEFT JOIN {question_bank_entries} qbe ON qbe.id = i.objectid
                 WHERE i.courseid = :courseid AND i.kind = :kind AND qbe.id IS NULL";
        $ids = $DB->get_fieldset_sql($sql, ['courseid' => $courseid, 'kind' => self::KIND_QUESTION]);
        if ($ids) {
            $DB->delete_records_list(self::TABLE, 'id', $ids);
        }
    }
}
