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
use local_cooperare\local\completion;
use local_cooperare\local\util;

/**
 * local_cooperare_set_completion: course completion criteria (required activities, aggregation, course grade).
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class set_completion extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courses' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'aggregation' => new external_value(PARAM_INT, 'Overall aggregation: 1 all criteria, 2 any',
                        VALUE_DEFAULT, 1),
                    'activityaggregation' => new external_value(PARAM_INT, 'Activities: 1 all required, 2 any',
                        VALUE_DEFAULT, 1),
                    'activities' => new external_multiple_structure(
                        new external_value(PARAM_RAW, 'Course module idnumber'),
                        'Activities to complete (each must have completion tracking)',
                        VALUE_DEFAULT,
                        []
                    ),
                    'grade' => new external_value(PARAM_FLOAT, 'Course grade required, 0 for none', VALUE_DEFAULT, 0.0),
                    'unlock' => new external_value(PARAM_BOOL, 'Allow changing criteria that users already completed '
                        . 'against (their course completion data is deleted and recalculated)', VALUE_DEFAULT, false),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired criteria, stored and '
                        . 'returned by describe_courses', VALUE_DEFAULT, ''),
                ]),
                'Courses and their completion criteria'
            ),
        ]);
    }

    /**
     * Set completion criteria, all or nothing.
     *
     * @param array $courses
     * @return array
     */
    public static function execute(array $courses): array {
        $params = self::validate_parameters(self::execute_parameters(), ['courses' => $courses]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['courses'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course] = util::course_and_context((int) $item['courseid'], ['moodle/course:update']);
                util::check_unique($seen, (string) $course->id, "completion of course {$course->id}");
                $result[] = ['courseid' => (int) $course->id, 'action' => completion::save($course, $item)];
            }
            return $result;
        }, $courseids);
        return ['courses' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courses' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'action' => new external_value(PARAM_ALPHA, 'updated or unchanged'),
                ])
            ),
        ]);
    }
}
