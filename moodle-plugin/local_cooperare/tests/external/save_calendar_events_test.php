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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');
require_once($CFG->dirroot . '/calendar/lib.php');
require_once($CFG->dirroot . '/calendar/externallib.php');

/**
 * Tests of local_cooperare_save_calendar_events, _delete_calendar_events and _get_calendar_events.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_calendar_events
 * @covers     \local_cooperare\external\delete_calendar_events
 * @covers     \local_cooperare\external\get_calendar_events
 * @covers     \local_cooperare\local\calendarevents
 */
final class save_calendar_events_test extends testcase {
    /**
     * A site event and a course event.
     *
     * @return array[]
     */
    private function items(): array {
        return [
            ['key' => 'coop:event:diseminare-1', 'courseid' => 0, 'name' => 'Eveniment de diseminare 1',
                'description' => '<p>Prezentarea instrumentului digital</p>', 'timestart' => 1775037600,
                'timeduration' => 7200, 'spechash' => 'e1'],
            ['key' => 'coop:consultation:termen', 'courseid' => $this->course->id,
                'name' => 'Termen pentru recomandări', 'timestart' => 1776247200],
        ];
    }

    /**
     * Events are created with the right type and owner, a re-run changes nothing, a new time updates only that.
     */
    public function test_create_rerun_update(): void {
        global $DB;
        $result = $this->call('save_calendar_events', [$this->items()]);
        $this->assertSame(['created', 'created'], array_column($result['events'], 'action'));
        $site = $DB->get_record('event', ['id' => $result['events'][0]['eventid']], '*', MUST_EXIST);
        $this->assertSame('site', $site->eventtype);
        $this->assertEquals(SITEID, $site->courseid);
        $this->assertEquals(get_admin()->id, $site->userid);
        $this->assertEquals(7200, $site->timeduration);
        $course = $DB->get_record('event', ['id' => $result['events'][1]['eventid']], '*', MUST_EXIST);
        $this->assertSame('course', $course->eventtype);
        $this->assertEquals($this->course->id, $course->courseid);
        $this->assertSame(0, $result['events'][0]['courseid']);

        $again = $this->call('save_calendar_events', [$this->items()]);
        $this->assertSame(['unchanged', 'unchanged'], array_column($again['events'], 'action'));
        $this->assertEquals(2, $DB->count_records('event'));

        $items = $this->items();
        $items[0]['timestart'] += 3600;
        $updated = $this->call('save_calendar_events', [$items]);
        $this->assertSame(['updated', 'unchanged'], array_column($updated['events'], 'action'));
        $this->assertSame(['timestart'], $updated['events'][0]['changed']);
        $this->assertSame($result['events'][0]['eventid'], $updated['events'][0]['eventid']);
        $this->assertEquals(1775041200, $DB->get_field('event', 'timestart', ['id' => $site->id]));

        $listed = $this->call('get_calendar_events', [[0, $this->course->id]])['events'];
        $this->assertSame(['coop:event:diseminare-1', 'coop:consultation:termen'], array_column($listed, 'key'));
        $this->assertSame([0, (int) $this->course->id], array_column($listed, 'courseid'));
        $this->assertSame('e1', $listed[0]['spechash']);
        $this->assertFalse($listed[0]['drift']);
    }

    /**
     * The events show in core's calendar API for a student of the course.
     */
    public function test_student_sees_site_and_course_events(): void {
        $this->call('save_calendar_events', [$this->items()]);
        $student = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $this->setUser($student);
        $events = \core_calendar_external::get_calendar_events(['courseids' => [$this->course->id]],
            ['timestart' => 1775000000, 'timeend' => 1777000000, 'userevents' => false, 'siteevents' => true]);
        $names = array_column($events['events'], 'name');
        sort($names);
        $this->assertSame(['Eveniment de diseminare 1', 'Termen pentru recomandări'], $names);
    }

    /**
     * An event edited in the calendar is drift; saving again puts it back.
     */
    public function test_drift_and_repair(): void {
        global $DB;
        $result = $this->call('save_calendar_events', [$this->items()]);
        $DB->set_field('event', 'name', 'Redenumit', ['id' => $result['events'][1]['eventid']]);
        $listed = $this->call('get_calendar_events', [[$this->course->id]])['events'];
        $this->assertTrue($listed[0]['drift']);
        $repaired = $this->call('save_calendar_events', [$this->items()]);
        $this->assertSame(['name'], $repaired['events'][1]['changed']);
        $this->assertSame('Termen pentru recomandări',
            $DB->get_field('event', 'name', ['id' => $result['events'][1]['eventid']]));
    }

    /**
     * Delete removes only the plugin's events; a second delete finds nothing.
     */
    public function test_delete_and_rerun(): void {
        global $DB;
        $result = $this->call('save_calendar_events', [$this->items()]);
        $handmade = \calendar_event::create((object) ['name' => 'Manual', 'eventtype' => 'site', 'courseid' => SITEID,
            'timestart' => 1775037600, 'userid' => get_admin()->id], false);
        $deleted = $this->call('delete_calendar_events', [[['key' => 'coop:event:diseminare-1', 'courseid' => 0]]]);
        $this->assertSame('deleted', $deleted['events'][0]['action']);
        $this->assertSame($result['events'][0]['eventid'], $deleted['events'][0]['eventid']);
        $this->assertFalse($DB->record_exists('event', ['id' => $result['events'][0]['eventid']]));
        $this->assertTrue($DB->record_exists('event', ['id' => $handmade->id]));
        $again = $this->call('delete_calendar_events', [[['key' => 'coop:event:diseminare-1', 'courseid' => 0]]]);
        $this->assertSame('notfound', $again['events'][0]['action']);
        $this->assertSame(0, $again['events'][0]['eventid']);
    }

    /**
     * Bad input is refused and the whole call rolled back.
     */
    public function test_bad_input(): void {
        global $DB;
        $cases = [
            [['key' => ''], 'the key must have 1 to 255 characters'],
            [['name' => ''], 'the name must have 1 to 255 characters'],
            [['timestart' => 0], 'timestart must be a time'],
            [['timeduration' => -1], 'timeduration must not be negative'],
            [['userid' => 999999], 'no user 999999'],
            [['courseid' => $this->course->id + 1000], 'no such course'],
        ];
        foreach ($cases as [$fields, $message]) {
            $items = $this->items();
            $items[1] = $fields + $items[1];
            try {
                $this->call('save_calendar_events', [$items]);
                $this->fail("Expected invalid_parameter_exception: {$message}");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo);
            }
        }
        $this->assertEquals(0, $DB->count_records('event'));
    }

    /**
     * A teacher may manage course calendar entries but lacks local/cooperare:provision; a site event needs it at site
     * level.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_calendar_events', [[$this->items()[1]]]);
    }
}
