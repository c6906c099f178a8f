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
 * local_cooperare_delete_cohort_sync: remove cohort sync enrolment instances that this plugin created.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_cohort_sync extends external_api {
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
                ]),
                'Cohort sync instances to remove'
            ),
        ]);
    }

    /**
     * Remove instances, all or nothing. Users enrolled through them are unenrolled.
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
                $result[] = cohortsync::delete($course, $context, $item);
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
                    'enrolid' => new external_value(PARAM_INT, 'Id of the removed instance, 0 if none was found'),
                    'action' => new external_value(PARAM_ALPHA, 'deleted or notfound'),
                ])
            ),
        ]);
    }
}
