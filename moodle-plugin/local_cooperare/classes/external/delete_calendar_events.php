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

/**
 * local_cooperare_delete_calendar_events: delete calendar events this plugin wrote, by key.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_calendar_events extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'events' => new external_multiple_structure(
                new external_single_structure([
                    'key' => new external_value(PARAM_RAW, 'The client\'s key of the event'),
                    'courseid' => new external_value(PARAM_INT, 'Course id, 0 for a site event', VALUE_DEFAULT, 0),
                ]),
                'Events to delete'
            ),
        ]);
    }

    /**
     * Delete the events, all or nothing. A key the plugin does not know is 'notfound'.
     *
     * @param array $events
     * @return array
     */
    public static function execute(array $events): array {
        $params = self::validate_parameters(self::execute_parameters(), ['events' => $events]);
        return ['events' => calendarevents::each($params['events'], [calendarevents::class, 'delete'])];
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
                    'eventid' => new external_value(PARAM_INT, 'Id of the deleted event, 0 if none was found'),
                    'action' => new external_value(PARAM_ALPHA, 'deleted or notfound'),
                ])
            ),
        ]);
    }
}
