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
 * local_cooperare_save_book_chapters: the chapters of a book activity, by stable key.
 *
 * Core has no web service that writes book chapters. Each chapter the pack manages carries its key in the
 * chapter's importsrc as "cooperare:<key>". A call sets the book's managed chapters to exactly the listed ones:
 * a listed key without a chapter is created, one whose page number, subchapter flag, title or content differ is
 * updated, an equal one is left alone, and a managed chapter not listed is DELETED (with its files); chapters
 * without a cooperare: importsrc (written by hand in Moodle) are never touched and keep their order after the
 * managed ones. All or nothing; the book's revision is bumped only when something changed.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_book_chapters extends external_api {
    /** @var string importsrc prefix of the chapters the pack manages. */
    public const PREFIX = 'cooperare:';

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'idnumber' => new external_value(PARAM_RAW, 'idnumber of the book activity in the course'),
            'chapters' => new external_multiple_structure(
                new external_single_structure([
                    'key' => new external_value(PARAM_RAW, 'Stable key, kept in importsrc as cooperare:<key>'),
                    'pagenum' => new external_value(PARAM_INT, 'Position in the book, from 1'),
                    'subchapter' => new external_value(PARAM_BOOL, 'Subchapter of the chapter before it'),
                    'title' => new external_value(PARAM_TEXT, 'Title'),
                    'content' => new external_value(PARAM_RAW, 'HTML content'),
                ]),
                'The managed chapters of the book, all of them'
            ),
        ]);
    }

    /**
     * Set the book's managed chapters to the listed ones; all or nothing.
     *
     * @param int $courseid
     * @param string $idnumber
     * @param array $chapters
     * @return array
     */
    public static function execute(int $courseid, string $idnumber, array $chapters): array {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/mod/book/locallib.php');
        $params = self::validate_parameters(self::execute_parameters(),
            ['courseid' => $courseid, 'idnumber' => $idnumber, 'chapters' => $chapters]);
        $courseids = [];
        return util::all_or_nothing(function () use ($params, &$courseids, $DB) {
            [$course] = util::course_and_context((int) $params['courseid'], ['moodle/course:manageactivities']);
            $courseids[] = (int) $course->id;
            $cm = util::get_cm_by_idnumber((int) $course->id, $params['idnumber']);
            if (!$cm || $cm->modname !== 'book') {
                throw new \invalid_parameter_exception("course {$course->id}: no book with idnumber "
                    . "'{$params['idnumber']}'");
            }
            $context = \context_module::instance($cm->id);
            require_capability('mod/book:edit', $context);
            $book = $DB->get_record('book', ['id' => $cm->instance], '*', MUST_EXIST);

            $seen = [];
            $wanted = [];
            foreach ($params['chapters'] as $i => $item) {
                $key = trim($item['key']);
                if ($key === '' || \core_text::strlen(self::PREFIX . $key) > 255) {
                    throw new \invalid_parameter_exception("chapter {$i}: key must be 1 to "
                        . (255 - strlen(self::PREFIX)) . ' characters');
                }
                util::check_unique($seen, $key, "chapter '{$key}'");
                if ((int) $item['pagenum'] !== $i + 1) {
                    throw new \invalid_parameter_exception("chapter '{$key}': pagenum must be " . ($i + 1)
                        . ' (chapters listed in page order, from 1)');
                }
                if ($i === 0 && $item['subchapter']) {
                    throw new \invalid_parameter_exception("chapter '{$key}': the first chapter cannot be a "
                        . 'subchapter');
                }
                if (trim($item['title']) === '') {
                    throw new \invalid_parameter_exception("chapter '{$key}': title is empty");
                }
                $wanted[$key] = $item;
            }

            $existing = [];
            $unmanaged = [];
            foreach ($DB->get_records('book_chapters', ['bookid' => $book->id], 'pagenum, id') as $row) {
                if (strpos((string) $row->importsrc, self::PREFIX) === 0) {
                    $existing[substr($row->importsrc, strlen(self::PREFIX))] = $row;
                } else {
                    $unmanaged[] = $row;
                }
            }

            $now = time();
            $result = [];
            $changed = false;
            foreach ($existing as $key => $row) {
                if (!isset($wanted[$key])) {
                    $fs = get_file_storage();
                    $fs->delete_area_files($context->id, 'mod_book', 'chapter', $row->id);
                    $DB->delete_records('book_chapters', ['id' => $row->id]);
                    \mod_book\event\chapter_deleted::create_from_chapter($book, $context, $row)->trigger();
                    $result[] = ['key' => (string) $key, 'id' => (int) $row->id, 'pagenum' => 0,
                        'action' => 'deleted'];
                    $changed = true;
                }
            }
            foreach (array_values($wanted) as $item) {
                $key = trim($item['key']);
                $fields = ['pagenum' => (int) $item['pagenum'], 'subchapter' => $item['subchapter'] ? 1 : 0,
                    'title' => $item['title'], 'content' => $item['content']];
                $row = $existing[$key] ?? null;
                if (!$row) {
                    $new = (object) ($fields + ['bookid' => $book->id, 'contentformat' => FORMAT_HTML,
                        'hidden' => 0, 'timecreated' => $now, 'timemodified' => $now,
                        'importsrc' => self::PREFIX . $key]);
                    $new->id = $DB->insert_record('book_chapters', $new);
                    \mod_book\event\chapter_created::create_from_chapter($book, $context, $new)->trigger();
                    $result[] = ['key' => $key, 'id' => (int) $new->id, 'pagenum' => $new->pagenum,
                        'action' => 'created'];
                    $changed = true;
                    continue;
                }
                $same = (int) $row->pagenum === $fields['pagenum'] && (int) $row->subchapter === $fields['subchapter']
                    && $row->title === $fields['title'] && $row->content === $fields['content']
                    && (int) $row->contentformat === (int) FORMAT_HTML;
                if (!$same) {
                    $update = (object) ($fields + ['id' => $row->id, 'contentformat' => FORMAT_HTML,
                        'timemodified' => $now]);
                    $DB->update_record('book_chapters', $update);
                    $row = $DB->get_record('book_chapters', ['id' => $row->id]);
                    \mod_book\event\chapter_updated::create_from_chapter($book, $context, $row)->trigger();
                    $changed = true;
                }
                $result[] = ['key' => $key, 'id' => (int) $row->id, 'pagenum' => $fields['pagenum'],
                    'action' => $same ? 'unchanged' : 'updated'];
            }
            // Chapters written by hand keep their relative order after the managed ones.
            $pagenum = count($wanted);
            foreach ($unmanaged as $row) {
                $pagenum++;
                if ((int) $row->pagenum !== $pagenum) {
                    $DB->set_field('book_chapters', 'pagenum', $pagenum, ['id' => $row->id]);
                    $changed = true;
                }
            }
            if ($changed) {
                $DB->set_field('book', 'revision', $book->revision + 1, ['id' => $book->id]);
                $DB->set_field('book', 'timemodified', $now, ['id' => $book->id]);
                book_preload_chapters($DB->get_record('book', ['id' => $book->id]));
            }
            return ['cmid' => (int) $cm->id, 'bookid' => (int) $book->id, 'chapters' => $result];
        }, $courseids);
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
                    'key' => new external_value(PARAM_RAW, 'Stable key'),
                    'id' => new external_value(PARAM_INT, 'Chapter id'),
                    'pagenum' => new external_value(PARAM_INT, 'Page number, 0 for a deleted chapter'),
                    'action' => new external_value(PARAM_ALPHA, 'created, updated, unchanged or deleted'),
                ])
            ),
        ]);
    }
}
