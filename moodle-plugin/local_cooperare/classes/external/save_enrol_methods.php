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
use local_cooperare\local\enrolmethods;
use local_cooperare\local\util;

/**
 * local_cooperare_save_enrol_methods: set up the self enrolment and guest access of courses.
 *
 * Core web services can read enrolment methods (core_enrol_get_course_enrolment_methods) but not configure them.
 * A self enrolment item with a key is one of several instances of the course (an events course: one per event, each
 * with its own dates and group).
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_enrol_methods extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'methods' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'method' => new external_value(PARAM_ALPHA, 'self or guest'),
                    'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled', VALUE_DEFAULT, 0),
                    'name' => new external_value(PARAM_TEXT, 'Instance name, empty for the default name',
                        VALUE_DEFAULT, ''),
                    'enrolstartdate' => new external_value(PARAM_INT, 'Self enrolment: users may enrol from this time, '
                        . '0 for any time', VALUE_DEFAULT, 0),
                    'enrolenddate' => new external_value(PARAM_INT, 'Self enrolment: users may enrol until this time, '
                        . '0 for no end', VALUE_DEFAULT, 0),
                    'role' => new external_value(PARAM_ALPHANUMEXT, 'Self enrolment: shortname of the role assigned',
                        VALUE_DEFAULT, 'student'),
                    'cohortidnumber' => new external_value(PARAM_RAW,
                        'Self enrolment: idnumber of the only cohort whose members may enrol, empty for anyone',
                        VALUE_DEFAULT, ''),
                    'newenrols' => new external_value(PARAM_INT, 'Self enrolment: 1 to allow new enrolments, 0 to stop '
                        . 'them', VALUE_DEFAULT, 1),
                    'maxenrolled' => new external_value(PARAM_INT, 'Self enrolment: most users who may enrol through '
                        . 'the instance, 0 for no limit', VALUE_DEFAULT, 0),
                    'key' => new external_value(PARAM_RAW, 'Self enrolment: key of one of several instances of the '
                        . 'course (for example an event), each with its own dates; empty for the course\'s single '
                        . 'instance', VALUE_DEFAULT, ''),
                    'groupname' => new external_value(PARAM_TEXT, 'Keyed self enrolment: name of the course group '
                        . '(idnumber the key) that users enrolling through the instance join, empty for none',
                        VALUE_DEFAULT, ''),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired instance, stored and '
                        . 'returned by get_enrol_methods', VALUE_DEFAULT, ''),
                ]),
                'Enrolment methods to set up'
            ),
        ]);
    }

    /**
     * Create or update the instances, all or nothing.
     *
     * @param array $methods
     * @return array
     */
    public static function execute(array $methods): array {
        $params = self::validate_parameters(self::execute_parameters(), ['methods' => $methods]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['methods'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course, $context] = util::course_and_context((int) $item['courseid'], ['moodle/course:enrolconfig']);
                util::check_unique($seen, $course->id . '/' . $item['method'] . '/' . $item['key'],
                    "{$item['method']} enrolment" . ($item['key'] === '' ? '' : " '{$item['key']}'")
                    . " of course {$course->id}");
                $result[] = enrolmethods::save($course, $context, $item);
            }
            return $result;
        }, $courseids);
        return ['methods' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'methods' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'method' => new external_value(PARAM_ALPHA, 'self or guest'),
                    'key' => new external_value(PARAM_RAW, 'Key of the instance, empty for the course\'s single one'),
                    'enrolid' => new external_value(PARAM_INT, 'Enrolment instance id'),
                    'action' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
                    'changed' => new external_multiple_structure(
                        new external_value(PARAM_ALPHA, 'Field name'),
                        'Managed fields that changed: status, name, enrolstartdate, enrolenddate, roleid, cohortid, '
                            . 'newenrols, maxenrolled, groupname'
                    ),
                ])
            ),
        ]);
    }
}
