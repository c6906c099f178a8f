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
use local_cooperare\local\cohortsync;
use local_cooperare\local\util;

/**
 * local_cooperare_save_cohort_sync: add or update cohort sync enrolment instances.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_cohort_sync extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'instances' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'cohortidnumber' => new external_value(PARAM_RAW, 'Idnumber of the cohort'),
                    'role' => new external_value(PARAM_ALPHANUMEXT, 'Shortname of the role to assign', VALUE_DEFAULT,
                        'student'),
                    'groupidnumber' => new external_value(PARAM_RAW, 'Idnumber of a course group to add members to, '
                        . 'empty for none', VALUE_DEFAULT, ''),
                    'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled', VALUE_DEFAULT, 0),
                    'name' => new external_value(PARAM_TEXT, 'Instance name, empty for the default name',
                        VALUE_DEFAULT, ''),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired instance, stored and '
                        . 'returned by describe_courses', VALUE_DEFAULT, ''),
                ]),
                'Cohort sync instances to add or update'
            ),
        ]);
    }

    /**
     * Add or update instances, all or nothing. Members are enrolled right away.
     *
     * @param array $instances
     * @return array
     */
    public static function execute(array $instances): array {
        $params = self::validate_parameters(self::execute_parameters(), ['instances' => $instances]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['instances'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course, $context] = util::course_and_context((int) $item['courseid'],
                    ['moodle/course:enrolconfig', 'enrol/cohort:config']);
                util::check_unique($seen, $course->id . '/' . $item['cohortidnumber'],
                    "cohort sync of '{$item['cohortidnumber']}' in course {$course->id}");
                $result[] = cohortsync::save($course, $context, $item);
            }
            return $result;
        }, $courseids);
        return ['instances' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'instances' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'cohortidnumber' => new external_value(PARAM_RAW, 'Idnumber of the cohort'),
                    'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                    'enrolid' => new external_value(PARAM_INT, 'Enrolment instance id'),
                    'groupid' => new external_value(PARAM_INT, 'Group id, 0 for none'),
                    'action' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
                ])
            ),
        ]);
    }
}
