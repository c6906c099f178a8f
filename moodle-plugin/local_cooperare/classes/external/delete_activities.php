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
use local_cooperare\local\items;
use local_cooperare\local\util;

/**
 * local_cooperare_delete_activities: delete activities that this plugin created, by course module idnumber.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_activities extends external_api {
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
                    'idnumber' => new external_value(PARAM_RAW, 'Course module idnumber'),
                ]),
                'Activities to delete'
            ),
        ]);
    }

    /**
     * Delete activities, all or nothing. An activity that does not exist is reported as notfound; one that exists
     * but was not created by this plugin is refused.
     *
     * @param array $activities
     * @return array
     */
    public static function execute(array $activities): array {
        global $CFG;
        require_once($CFG->dirroot . '/course/lib.php');
        $params = self::validate_parameters(self::execute_parameters(), ['activities' => $activities]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['activities'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course] = util::course_and_context((int) $item['courseid'], ['moodle/course:manageactivities']);
                $idnumber = $item['idnumber'];
                util::check_unique($seen, $course->id . '/' . $idnumber, "activity '{$idnumber}'");
                $managed = items::get($course->id, items::KIND_ACTIVITY, $idnumber);
                $cm = util::get_cm_by_idnumber($course->id, $idnumber);
                if ($cm && (!$managed || (int) $managed->objectid !== (int) $cm->id)) {
                    throw new \moodle_exception('notmanaged', 'local_cooperare', '', $idnumber);
                }
                $cmid = 0;
                if ($cm) {
                    $cmid = (int) $cm->id;
                    course_delete_module($cmid);
                }
                if ($managed) {
                    items::delete($course->id, items::KIND_ACTIVITY, $idnumber);
                }
                if ($cm && $cm->modname === 'quiz') {
                    items::delete_orphan_questions($course->id);
                }
                $result[] = [
                    'courseid' => (int) $course->id,
                    'idnumber' => $idnumber,
                    'cmid' => $cmid,
                    'action' => $cm ? 'deleted' : 'notfound',
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
                    'cmid' => new external_value(PARAM_INT, 'Id of the deleted course module, 0 if none was found'),
                    'action' => new external_value(PARAM_ALPHA, 'deleted or notfound'),
                ])
            ),
        ]);
    }
}
