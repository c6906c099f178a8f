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
use local_cooperare\local\sections;
use local_cooperare\local\util;

/**
 * local_cooperare_save_sections: name, summary and visibility of sections by number; creates missing sections.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_sections extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'sections' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'number' => new external_value(PARAM_INT, 'Section number (0 is the general section)'),
                    'name' => new external_value(PARAM_RAW, 'Section name; empty for the default name; '
                        . 'leave out to keep the current name', VALUE_OPTIONAL),
                    'summary' => new external_value(PARAM_RAW, 'Section summary (HTML); leave out to keep it',
                        VALUE_OPTIONAL),
                    'summaryformat' => new external_value(PARAM_INT, 'Summary format (1 = HTML)', VALUE_DEFAULT,
                        (int) FORMAT_HTML),
                    'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden; leave out to keep it',
                        VALUE_OPTIONAL),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired section, stored and '
                        . 'returned by describe_courses', VALUE_DEFAULT, ''),
                ]),
                'Sections to create or update'
            ),
        ]);
    }

    /**
     * Create or update sections, all or nothing.
     *
     * @param array $sections
     * @return array
     */
    public static function execute(array $sections): array {
        $params = self::validate_parameters(self::execute_parameters(), ['sections' => $sections]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['sections'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course] = util::course_and_context((int) $item['courseid'], ['moodle/course:update']);
                util::check_unique($seen, $course->id . '/' . $item['number'],
                    "section {$item['number']} of course {$course->id}");
                [$sectionid, $action] = sections::save($course, $item);
                $result[] = [
                    'courseid' => (int) $course->id,
                    'number' => (int) $item['number'],
                    'id' => $sectionid,
                    'action' => $action,
                ];
            }
            return $result;
        }, $courseids);
        return ['sections' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'sections' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'number' => new external_value(PARAM_INT, 'Section number'),
                    'id' => new external_value(PARAM_INT, 'Section id'),
                    'action' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
                ])
            ),
        ]);
    }
}
