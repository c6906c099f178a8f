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
use local_cooperare\local\util;

/**
 * local_cooperare_save_activities: create or update activities keyed by course module idnumber.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_activities extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'activities' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'idnumber' => new external_value(PARAM_RAW, 'Course module idnumber, unique in the course'),
                    'modname' => new external_value(PARAM_PLUGIN,
                        'Module: page, url, label, forum, quiz, feedback, resource or bigbluebuttonbn'),
                    'section' => new external_value(PARAM_INT, 'Section number'),
                    'name' => new external_value(PARAM_RAW, 'Activity name (ignored for a label)'),
                    'intro' => new external_value(PARAM_RAW, 'Description (HTML); the text of a label', VALUE_DEFAULT, ''),
                    'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden', VALUE_DEFAULT, 1),
                    'completion' => new external_value(PARAM_INT, 'Completion tracking: 0 none, 1 manual, 2 automatic',
                        VALUE_DEFAULT, 0),
                    'completionview' => new external_value(PARAM_INT, '1: complete when viewed', VALUE_DEFAULT, 0),
                    'completionusegrade' => new external_value(PARAM_INT, '1: complete when graded', VALUE_DEFAULT, 0),
                    'completionpassgrade' => new external_value(PARAM_INT, '1: complete when the pass grade is reached',
                        VALUE_DEFAULT, 0),
                    'options' => new external_multiple_structure(
                        new external_single_structure([
                            'name' => new external_value(PARAM_ALPHANUMEXT, 'Option name'),
                            'value' => new external_value(PARAM_RAW, 'Option value'),
                        ]),
                        'Module options (see the plugin documentation); options left out keep their value',
                        VALUE_DEFAULT,
                        []
                    ),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired activity, stored and '
                        . 'returned by describe_courses', VALUE_DEFAULT, ''),
                ]),
                'Activities to create or update'
            ),
        ]);
    }

    /**
     * Create or update activities, all or nothing.
     *
     * @param array $activities
     * @return array
     */
    public static function execute(array $activities): array {
        $params = self::validate_parameters(self::execute_parameters(), ['activities' => $activities]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['activities'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course] = util::course_and_context((int) $item['courseid'],
                    ['moodle/course:manageactivities', 'moodle/course:activityvisibility']);
                util::check_unique($seen, $course->id . '/' . $item['idnumber'], "activity '{$item['idnumber']}'");
                [$cmid, $instance, $action] = activities::save($course, $item);
                $result[] = [
                    'courseid' => (int) $course->id,
                    'idnumber' => $item['idnumber'],
                    'cmid' => $cmid,
                    'instance' => $instance,
                    'action' => $action,
                ];
            }
            return $result;
        }, $courseids);
        return ['activities' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'activities' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'idnumber' => new external_value(PARAM_RAW, 'Course module idnumber'),
                    'cmid' => new external_value(PARAM_INT, 'Course module id'),
                    'instance' => new external_value(PARAM_INT, 'Instance id in the module table'),
                    'action' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
                ])
            ),
        ]);
    }
}
