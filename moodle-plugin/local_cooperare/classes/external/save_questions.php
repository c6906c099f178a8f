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
use local_cooperare\local\questions;
use local_cooperare\local\util;

/**
 * local_cooperare_save_questions: import questions (Moodle XML) into quizzes, keyed by question idnumber, and set
 * the quiz slots and marks.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_questions extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'quizzes' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'quiz' => new external_value(PARAM_RAW, 'Course module idnumber of the quiz'),
                    'questions' => new external_multiple_structure(
                        new external_single_structure([
                            'idnumber' => new external_value(PARAM_RAW, 'Question idnumber, unique in the course '
                                . '(across all its quizzes)'),
                            'xml' => new external_value(PARAM_RAW, 'Moodle XML (<quiz> with exactly one <question>)'),
                            'maxmark' => new external_value(PARAM_FLOAT, 'Mark of the question in the quiz',
                                VALUE_DEFAULT, 1.0),
                            'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired question, stored '
                                . 'and returned by describe_courses', VALUE_DEFAULT, ''),
                        ]),
                        'Questions of the quiz, in slot order'
                    ),
                    'removemissing' => new external_value(PARAM_BOOL, 'Remove from the quiz (and delete) questions '
                        . 'this plugin added before that are no longer listed', VALUE_DEFAULT, false),
                ]),
                'Quizzes and their questions'
            ),
        ]);
    }

    /**
     * Import questions and set slots, all or nothing.
     *
     * @param array $quizzes
     * @return array
     */
    public static function execute(array $quizzes): array {
        $params = self::validate_parameters(self::execute_parameters(), ['quizzes' => $quizzes]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['quizzes'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course] = util::course_and_context((int) $item['courseid'], ['moodle/course:manageactivities']);
                util::check_unique($seen, $course->id . '/' . $item['quiz'], "quiz '{$item['quiz']}'");
                $result[] = questions::save($course, $item);
            }
            return $result;
        }, $courseids);
        return ['quizzes' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'quizzes' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'quiz' => new external_value(PARAM_RAW, 'Course module idnumber of the quiz'),
                    'cmid' => new external_value(PARAM_INT, 'Course module id of the quiz'),
                    'questions' => new external_multiple_structure(
                        new external_single_structure([
                            'idnumber' => new external_value(PARAM_RAW, 'Question idnumber'),
                            'questionid' => new external_value(PARAM_INT, 'Question id of the latest version'),
                            'version' => new external_value(PARAM_INT, 'Latest version number'),
                            'slot' => new external_value(PARAM_INT, 'Slot number in the quiz'),
                            'action' => new external_value(PARAM_ALPHA, 'created, updated (new version) or unchanged'),
                        ])
                    ),
                    'removed' => new external_multiple_structure(
                        new external_value(PARAM_RAW, 'Question idnumber'),
                        'Questions removed from the quiz and deleted'
                    ),
                    'structurechanged' => new external_value(PARAM_BOOL, 'Whether the slots were rebuilt'),
                ])
            ),
        ]);
    }
}
