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

namespace local_cooperare;

use local_cooperare\local\enrolmethods;
use local_cooperare\local\items;

/**
 * Event observers: forget the objects of a deleted course; put a user enrolled through a keyed self enrolment
 * instance (an event's registration) into its group.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class observer {
    /**
     * A course was deleted: its rows in local_cooperare_item go too.
     *
     * @param \core\event\course_deleted $event
     * @return void
     */
    public static function course_deleted(\core\event\course_deleted $event): void {
        global $DB;
        $DB->delete_records(items::TABLE, ['courseid' => $event->objectid]);
    }

    /**
     * A user was enrolled: through a keyed self enrolment instance with a group, the user joins the group.
     *
     * @param \core\event\user_enrolment_created $event
     * @return void
     */
    public static function user_enrolment_created(\core\event\user_enrolment_created $event): void {
        global $DB;
        if (($event->other['enrol'] ?? '') !== 'self') {
            return;
        }
        $enrolid = $DB->get_field('user_enrolments', 'enrolid', ['id' => $event->objectid]);
        if ($enrolid) {
            enrolmethods::user_enrolled((int) $enrolid, (int) $event->relateduserid);
        }
    }
}
