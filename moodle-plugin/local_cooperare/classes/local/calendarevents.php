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

namespace local_cooperare\local;

use context_system;
use invalid_parameter_exception;
use stdClass;

/**
 * Site and course calendar events keyed by the client's key (local_cooperare_item, kind calendarevent, courseid the
 * course or SITEID for a site event), written through core's calendar_event API.
 *
 * Course id 0 in the web service means a site event (eventtype site, course SITEID, checked in the system context);
 * any other course id a course event (eventtype course, checked in the course context). The owner (userid) is the
 * given user, or the main administrator when 0. Only events the plugin wrote are found, updated or deleted.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class calendarevents {
    /** @var string Capability needed to write or read the events, in the system or course context. */
    public const CAPABILITY = 'moodle/calendar:manageentries';

    /**
     * Validate the context of a site (courseid 0) or course event and require the capabilities there.
     *
     * @param int $courseid 0 for the site
     * @return array [int $itemcourseid (SITEID for the site), context $context]
     */
    public static function context_for(int $courseid): array {
        global $CFG;
        require_once($CFG->dirroot . '/calendar/lib.php');
        if ($courseid === 0) {
            util::require_site_provision();
            $context = context_system::instance();
            require_capability(self::CAPABILITY, $context);
            return [(int) SITEID, $context];
        }
        [$course, $context] = util::course_and_context($courseid, [self::CAPABILITY]);
        return [(int) $course->id, $context];
    }

    /**
     * Run $fn on each item of a save or delete call, all or nothing, after checking the item's context and that no
     * key is listed twice.
     *
     * @param array $items validated items, each with key and courseid
     * @param callable $fn function (int $itemcourseid, array $item): array
     * @return array the results of $fn, in order
     */
    public static function each(array $items, callable $fn): array {
        $courseids = [];
        return util::all_or_nothing(function () use ($items, $fn) {
            $seen = [];
            $result = [];
            foreach ($items as $item) {
                [$itemcourseid] = self::context_for((int) $item['courseid']);
                util::check_unique($seen, $itemcourseid . '/' . $item['key'], self::what($item));
                $result[] = $fn($itemcourseid, $item);
            }
            return $result;
        }, $courseids);
    }

    /**
     * Description of an item for error messages.
     *
     * @param array $item
     * @return string
     */
    public static function what(array $item): string {
        $where = (int) $item['courseid'] === 0 ? 'the site' : "course {$item['courseid']}";
        return "calendar event '{$item['key']}' of {$where}";
    }

    /**
     * The event the plugin wrote under this key, or null.
     *
     * @param int $itemcourseid
     * @param string $key
     * @return stdClass|null
     */
    private static function event(int $itemcourseid, string $key): ?stdClass {
        global $DB;
        $row = items::get($itemcourseid, items::KIND_CALENDAREVENT, $key);
        if (!$row) {
            return null;
        }
        return $DB->get_record('event', ['id' => $row->objectid]) ?: null;
    }

    /**
     * Managed fields of an event, as strings.
     *
     * @param stdClass $event
     * @return array
     */
    public static function state(stdClass $event): array {
        return [
            'name' => (string) $event->name,
            'description' => (string) $event->description,
            'timestart' => (string) (int) $event->timestart,
            'timeduration' => (string) (int) $event->timeduration,
            'visible' => (string) (int) $event->visible,
            'userid' => (string) (int) $event->userid,
            'eventtype' => (string) $event->eventtype,
            'courseid' => (string) (int) $event->courseid,
        ];
    }

    /**
     * Create or update one event.
     *
     * @param int $itemcourseid the course, SITEID for a site event
     * @param array $item one validated item of save_calendar_events
     * @return array result item
     */
    public static function save(int $itemcourseid, array $item): array {
        global $DB;
        $what = self::what($item);
        $key = $item['key'];
        if (trim($key) === '' || \core_text::strlen($key) > 255) {
            throw new invalid_parameter_exception("{$what}: the key must have 1 to 255 characters");
        }
        if (trim($item['name']) === '' || \core_text::strlen($item['name']) > 255) {
            throw new invalid_parameter_exception("{$what}: the name must have 1 to 255 characters");
        }
        if ($item['timestart'] <= 0) {
            throw new invalid_parameter_exception("{$what}: timestart must be a time");
        }
        if ($item['timeduration'] < 0) {
            throw new invalid_parameter_exception("{$what}: timeduration must not be negative");
        }
        if (!in_array((int) $item['visible'], [0, 1], true)) {
            throw new invalid_parameter_exception("{$what}: visible must be 0 or 1");
        }
        $userid = (int) $item['userid'] ?: (int) get_admin()->id;
        if (!$DB->record_exists('user', ['id' => $userid, 'deleted' => 0])) {
            throw new invalid_parameter_exception("{$what}: no user {$userid}");
        }
        $spechash = util::check_spechash($item['spechash'], $what);
        $desired = [
            'name' => $item['name'],
            'description' => $item['description'],
            'timestart' => (string) (int) $item['timestart'],
            'timeduration' => (string) (int) $item['timeduration'],
            'visible' => (string) (int) $item['visible'],
            'userid' => (string) $userid,
            'eventtype' => $itemcourseid === (int) SITEID ? 'site' : 'course',
            'courseid' => (string) $itemcourseid,
        ];
        $properties = (object) [
            'name' => $desired['name'],
            'description' => $desired['description'],
            'format' => FORMAT_HTML,
            'courseid' => $itemcourseid,
            'groupid' => 0,
            'userid' => $userid,
            'modulename' => '',
            'instance' => 0,
            'eventtype' => $desired['eventtype'],
            'type' => CALENDAR_EVENT_TYPE_STANDARD,
            'timestart' => (int) $desired['timestart'],
            'timeduration' => (int) $desired['timeduration'],
            'visible' => (int) $desired['visible'],
        ];

        $event = self::event($itemcourseid, $key);
        $changed = [];
        if (!$event) {
            // The capability was checked in the event's context (context_for()).
            $eventid = (int) \calendar_event::create($properties, false)->id;
            $action = 'created';
            $changed = array_keys($desired);
        } else {
            $eventid = (int) $event->id;
            $current = self::state($event);
            foreach ($desired as $field => $value) {
                if ($current[$field] !== $value) {
                    $changed[] = $field;
                }
            }
            $action = $changed ? 'updated' : 'unchanged';
            if ($changed) {
                \calendar_event::load($eventid)->update($properties, false);
            }
        }
        $event = $DB->get_record('event', ['id' => $eventid], '*', MUST_EXIST);
        items::save($itemcourseid, items::KIND_CALENDAREVENT, $key, $eventid, $spechash, '',
            util::hash(self::state($event)));
        return [
            'key' => $key,
            'courseid' => (int) $item['courseid'],
            'eventid' => $eventid,
            'action' => $action,
            'changed' => $changed,
        ];
    }

    /**
     * Delete the event the plugin wrote under a key, if any.
     *
     * @param int $itemcourseid
     * @param array $item one validated item of delete_calendar_events
     * @return array result item
     */
    public static function delete(int $itemcourseid, array $item): array {
        $event = self::event($itemcourseid, $item['key']);
        if ($event) {
            \calendar_event::load((int) $event->id)->delete();
        }
        items::delete($itemcourseid, items::KIND_CALENDAREVENT, $item['key']);
        return [
            'key' => $item['key'],
            'courseid' => (int) $item['courseid'],
            'eventid' => $event ? (int) $event->id : 0,
            'action' => $event ? 'deleted' : 'notfound',
        ];
    }

    /**
     * The events the plugin wrote in a course (or the site), by key; events deleted in Moodle are left out.
     *
     * @param int $itemcourseid
     * @param int $courseid as the client named it (0 for the site)
     * @return array (see get_calendar_events)
     */
    public static function describe(int $itemcourseid, int $courseid): array {
        global $DB;
        $result = [];
        foreach (items::get_all($itemcourseid, items::KIND_CALENDAREVENT) as $key => $row) {
            $event = $DB->get_record('event', ['id' => $row->objectid]);
            if (!$event) {
                continue;
            }
            $result[] = [
                'key' => (string) $key,
                'courseid' => $courseid,
                'eventid' => (int) $event->id,
                'name' => (string) $event->name,
                'description' => (string) $event->description,
                'timestart' => (int) $event->timestart,
                'timeduration' => (int) $event->timeduration,
                'visible' => (int) $event->visible,
                'userid' => (int) $event->userid,
                'eventtype' => (string) $event->eventtype,
                'spechash' => (string) $row->spechash,
                'drift' => $row->statehash !== util::hash(self::state($event)),
            ];
        }
        return $result;
    }
}
