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
 * local_cooperare_save_calendar_events: create or update site and course calendar events keyed by the client's key.
 *
 * Core's core_calendar_create_calendar_events makes events owned by the caller with no key to find them again, and
 * cannot update them; this one is idempotent and sets the owner.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_calendar_events extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'events' => new external_multiple_structure(
                new external_single_structure([
                    'key' => new external_value(PARAM_RAW, 'The client\'s key of the event, unique in its course'),
                    'courseid' => new external_value(PARAM_INT, 'Course id, 0 for a site event', VALUE_DEFAULT, 0),
                    'name' => new external_value(PARAM_TEXT, 'Event name'),
                    'description' => new external_value(PARAM_RAW, 'Description (HTML)', VALUE_DEFAULT, ''),
                    'timestart' => new external_value(PARAM_INT, 'Start time'),
                    'timeduration' => new external_value(PARAM_INT, 'Duration in seconds', VALUE_DEFAULT, 0),
                    'visible' => new external_value(PARAM_INT, '1 visible, 0 hidden', VALUE_DEFAULT, 1),
                    'userid' => new external_value(PARAM_INT, 'Owner of the event, 0 for the main administrator',
                        VALUE_DEFAULT, 0),
                    'spechash' => new external_value(PARAM_RAW, 'Opaque hash of the desired event, stored and returned '
                        . 'by get_calendar_events', VALUE_DEFAULT, ''),
                ]),
                'Events to create or update'
            ),
        ]);
    }

    /**
     * Create or update the events, all or nothing.
     *
     * @param array $events
     * @return array
     */
    public static function execute(array $events): array {
        $params = self::validate_parameters(self::execute_parameters(), ['events' => $events]);
        return ['events' => calendarevents::each($params['events'], [calendarevents::class, 'save'])];
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
                    'action' => new external_value(PARAM_ALPHA, 'created, updated or unchanged'),
                    'changed' => new external_multiple_structure(
                        new external_value(PARAM_ALPHA, 'Field name'),
                        'Fields that changed: name, description, timestart, timeduration, visible, userid, eventtype, '
                            . 'courseid'
                    ),
                ])
            ),
        ]);
    }
}
