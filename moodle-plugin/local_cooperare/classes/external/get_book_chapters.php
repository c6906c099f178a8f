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


namespace local_cooperare\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cooperare\local\util;

/**
 * local_cooperare_get_book_chapters: the chapters of a book activity as they are, so the pack can tell a chapter
 * edited in Moodle from the one it wrote (core has no web service that reads chapters with their content).
 *
 * Every chapter is listed in page order: the pack's own ones with their key (from importsrc "cooperare:<key>"),
 * chapters written by hand with an empty key. The content is not sent back, only its SHA-1, which is enough to tell
 * whether it is still what the pack wrote.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_book_chapters extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'idnumber' => new external_value(PARAM_RAW, 'idnumber of the book activity in the course'),
        ]);
    }

    /**
     * The book's chapters in page order.
     *
     * @param int $courseid
     * @param string $idnumber
     * @return array
     */
    public static function execute(int $courseid, string $idnumber): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(),
            ['courseid' => $courseid, 'idnumber' => $idnumber]);
        [$course] = util::course_and_context((int) $params['courseid'], ['moodle/course:manageactivities']);
        $cm = util::get_cm_by_idnumber((int) $course->id, $params['idnumber']);
        if (!$cm || $cm->modname !== 'book') {
            throw new \invalid_parameter_exception("course {$course->id}: no book with idnumber "
                . "'{$params['idnumber']}'");
        }
        require_capability('mod/book:read', \context_module::instance($cm->id));
        $chapters = [];
        $prefix = save_book_chapters::PREFIX;
        foreach ($DB->get_records('book_chapters', ['bookid' => $cm->instance], 'pagenum, id') as $row) {
            $managed = strpos((string) $row->importsrc, $prefix) === 0;
            $chapters[] = [
                'key' => $managed ? substr($row->importsrc, strlen($prefix)) : '',
                'id' => (int) $row->id,
                'pagenum' => (int) $row->pagenum,
                'subchapter' => (int) $row->subchapter,
                'hidden' => (int) $row->hidden,
                'title' => (string) $row->title,
                'contentsha1' => sha1((string) $row->content),
                'contentformat' => (int) $row->contentformat,
            ];
        }
        return ['cmid' => (int) $cm->id, 'bookid' => (int) $cm->instance, 'chapters' => $chapters];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'Course module id of the book'),
            'bookid' => new external_value(PARAM_INT, 'Book id'),
            'chapters' => new external_multiple_structure(
                new external_single_structure([
                    'key' => new external_value(PARAM_RAW, 'Stable key of a chapter the pack manages, empty for one '
                        . 'written by hand'),
                    'id' => new external_value(PARAM_INT, 'Chapter id'),
                    'pagenum' => new external_value(PARAM_INT, 'Position in the book, from 1'),
                    'subchapter' => new external_value(PARAM_INT, '1 for a subchapter'),
                    'hidden' => new external_value(PARAM_INT, '1 when hidden in Moodle'),
                    'title' => new external_value(PARAM_RAW, 'Title'),
                    'contentsha1' => new external_value(PARAM_ALPHANUM, 'SHA-1 of the HTML content'),
                    'contentformat' => new external_value(PARAM_INT, 'Format of the content (1 = HTML)'),
                ])
            ),
        ]);
    }
}
