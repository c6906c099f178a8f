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
use local_cooperare\local\calendarevents;
use local_cooperare\local\util;

/**
 * local_cooperare_get_calendar_events: the calendar events this plugin wrote in courses or the site, with drift.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_calendar_events extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseids' => new external_multiple_structure(
                new external_value(PARAM_INT, 'Course id, 0 for the site events'),
                'Courses whose events to list'
            ),
        ]);
    }

    /**
     * List the events, by course, in the order they were first written.
     *
     * @param array $courseids
     * @return array
     */
    public static function execute(array $courseids): array {
        $params = self::validate_parameters(self::execute_parameters(), ['courseids' => $courseids]);
        $seen = [];
        $events = [];
        foreach ($params['courseids'] as $courseid) {
            [$itemcourseid] = calendarevents::context_for((int) $courseid);
            util::check_unique($seen, (string) $itemcourseid, (int) $courseid === 0 ? 'the site' : "course {$courseid}");
            $events = array_merge($events, calendarevents::describe($itemcourseid, (int) $courseid));
        }
        return ['events' => $events];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'events' => new external_multiple_structure(
                new external_single_structure([
                    'key' => new external_value(PARAM_RAW, 'The client\'s key'),
                    'courseid' => new external_value(PARAM_INT, 'Course id, 0 for a site event'),
                    'eventid' => new external_value(PARAM_INT, 'Calendar event id'),
                    'name' => new external_value(PARAM_TEXT, 'Event name'),
                    'description' => new external_value(PARAM_RAW, 'Description (HTML)'),
                    'timestart' => new external_value(PARAM_INT, 'Start time'),
                    'timeduration' => new external_value(PARAM_INT, 'Duration in seconds'),
                    'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden'),
                    'userid' => new external_value(PARAM_INT, 'Owner'),
                    'eventtype' => new external_value(PARAM_ALPHA, 'site or course'),
                    'spechash' => new external_value(PARAM_RAW, 'Spec hash sent with the last save'),
                    'drift' => new external_value(PARAM_BOOL, 'Whether the event changed since the plugin wrote it'),
                ]),
                'Events the plugin wrote, by course, in the order they were first written'
            ),
        ]);
    }
}
