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
use local_cooperare\local\activities;
use local_cooperare\local\cohortsync;
use local_cooperare\local\completion;
use local_cooperare\local\questions;
use local_cooperare\local\sections;
use local_cooperare\local\util;

/**
 * local_cooperare_describe_courses: the pack-managed structure of courses, found by idnumber, in one read.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class describe_courses extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'idnumbers' => new external_multiple_structure(
                new external_value(PARAM_RAW, 'Course idnumber'),
                'Idnumbers of the courses to describe'
            ),
        ]);
    }

    /**
     * Describe courses. Idnumbers of courses that do not exist are listed in 'missing'.
     *
     * The caller needs local/cooperare:provision at site level (checked before any lookup) and in each course.
     *
     * @param array $idnumbers
     * @return array
     */
    public static function execute(array $idnumbers): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(), ['idnumbers' => $idnumbers]);
        // Before any lookup: whether an idnumber exists is not for callers without the capability.
        util::require_site_provision();
        $courses = [];
        $missing = [];
        $seen = [];
        foreach ($params['idnumbers'] as $idnumber) {
            util::check_unique($seen, $idnumber, "course '{$idnumber}'");
            $record = $idnumber === '' ? false : $DB->get_record('course', ['idnumber' => $idnumber], 'id');
            if (!$record || (int) $record->id === (int) SITEID) {
                $missing[] = $idnumber;
                continue;
            }
            [$course] = util::course_and_context((int) $record->id);
            $courses[] = [
                'id' => (int) $course->id,
                'idnumber' => (string) $course->idnumber,
                'shortname' => (string) $course->shortname,
                'fullname' => (string) $course->fullname,
                'format' => (string) $course->format,
                'visible' => (int) $course->visible,
                'enablecompletion' => (int) $course->enablecompletion,
                'sections' => sections::describe($course),
                'activities' => activities::describe($course),
                'questions' => questions::describe($course),
                'completion' => completion::describe($course),
                'cohortsync' => cohortsync::describe($course),
            ];
        }
        return ['courses' => $courses, 'missing' => $missing];
    }

    /**
     * The description of the managed fields shared by every object.
     *
     * @return array
     */
    private static function managed_keys(): array {
        return [
            'managed' => new external_value(PARAM_BOOL, 'Whether this plugin wrote the object'),
            'spechash' => new external_value(PARAM_RAW, 'Spec hash sent by the client when the plugin last wrote it'),
            'drift' => new external_value(PARAM_BOOL,
                'Whether the managed fields were changed in Moodle since the plugin last wrote them'),
        ];
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
                    'id' => new external_value(PARAM_INT, 'Course id'),
                    'idnumber' => new external_value(PARAM_RAW, 'Course idnumber'),
                    'shortname' => new external_value(PARAM_RAW, 'Short name'),
                    'fullname' => new external_value(PARAM_RAW, 'Full name'),
                    'format' => new external_value(PARAM_PLUGIN, 'Course format'),
                    'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
                    'enablecompletion' => new external_value(PARAM_INT, '1 if completion tracking is enabled'),
                    'sections' => new external_multiple_structure(
                        new external_single_structure([
                            'id' => new external_value(PARAM_INT, 'Section id'),
                            'number' => new external_value(PARAM_INT, 'Section number'),
                            'name' => new external_value(PARAM_RAW, 'Name, empty for the default name'),
                            'summary' => new external_value(PARAM_RAW, 'Summary'),
                            'summaryformat' => new external_value(PARAM_INT, 'Summary format'),
                            'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
                        ] + self::managed_keys())
                    ),
                    'activities' => new external_multiple_structure(
                        new external_single_structure([
                            'cmid' => new external_value(PARAM_INT, 'Course module id'),
                            'idnumber' => new external_value(PARAM_RAW, 'Course module idnumber'),
                            'modname' => new external_value(PARAM_PLUGIN, 'Module name'),
                            'instance' => new external_value(PARAM_INT, 'Instance id'),
                            'name' => new external_value(PARAM_RAW, 'Name'),
                            'intro' => new external_value(PARAM_RAW, 'Description'),
                            'section' => new external_value(PARAM_INT, 'Section number'),
                            'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
                            'completion' => new external_value(PARAM_INT, '0 none, 1 manual, 2 automatic'),
                            'completionview' => new external_value(PARAM_INT, '1: complete when viewed'),
                            'completionusegrade' => new external_value(PARAM_INT, '1: complete when graded'),
                            'completionpassgrade' => new external_value(PARAM_INT, '1: complete when passed'),
                            'options' => new external_multiple_structure(
                                new external_single_structure([
                                    'name' => new external_value(PARAM_ALPHANUMEXT, 'Option name'),
                                    'value' => new external_value(PARAM_RAW, 'Current value'),
                                ]),
                                'Current module options (for a resource also filename and contenthash)'
                            ),
                        ] + self::managed_keys())
                    ),
                    'questions' => new external_multiple_structure(
                        new external_single_structure([
                            'quiz' => new external_value(PARAM_RAW, 'Course module idnumber of the quiz'),
                            'idnumber' => new external_value(PARAM_RAW, 'Question idnumber'),
                            'questionid' => new external_value(PARAM_INT, 'Question id of the latest version'),
                            'version' => new external_value(PARAM_INT, 'Latest version number'),
                            'qtype' => new external_value(PARAM_PLUGIN, 'Question type'),
                            'slot' => new external_value(PARAM_INT, 'Slot in the quiz, 0 if not in the quiz'),
                            'page' => new external_value(PARAM_INT, 'Page in the quiz, 0 if not in the quiz'),
                            'maxmark' => new external_value(PARAM_FLOAT, 'Mark in the quiz'),
                        ] + self::managed_keys())
                    ),
                    'completion' => new external_single_structure([
                        'enabled' => new external_value(PARAM_INT, '1 if completion tracking is enabled'),
                        'aggregation' => new external_value(PARAM_INT, '1 all criteria, 2 any'),
                        'activityaggregation' => new external_value(PARAM_INT, '1 all activities, 2 any'),
                        'activities' => new external_multiple_structure(
                            new external_value(PARAM_RAW, 'Course module idnumber (#cmid when it has none)'),
                            'Required activities, sorted'
                        ),
                        'grade' => new external_value(PARAM_FLOAT, 'Required course grade, 0 for none'),
                        'othercriteria' => new external_value(PARAM_INT, 'Number of criteria of other kinds'),
                    ] + self::managed_keys()),
                    'cohortsync' => new external_multiple_structure(
                        new external_single_structure([
                            'enrolid' => new external_value(PARAM_INT, 'Enrolment instance id'),
                            'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                            'cohortidnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
                            'role' => new external_value(PARAM_ALPHANUMEXT, 'Role shortname'),
                            'roleid' => new external_value(PARAM_INT, 'Role id'),
                            'groupid' => new external_value(PARAM_INT, 'Group id, 0 for none'),
                            'groupidnumber' => new external_value(PARAM_RAW, 'Group idnumber'),
                            'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled'),
                            'name' => new external_value(PARAM_RAW, 'Instance name'),
                        ] + self::managed_keys())
                    ),
                ])
            ),
            'missing' => new external_multiple_structure(
                new external_value(PARAM_RAW, 'Course idnumber'),
                'Idnumbers for which no course exists'
            ),
        ]);
    }
}
