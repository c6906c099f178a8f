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

use mod_bigbluebuttonbn\instance;
use mod_bigbluebuttonbn\logger;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');

/**
 * Tests of local_cooperare_get_bbb_attendance.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_bbb_attendance
 */
final class get_bbb_attendance_test extends testcase {
    /** @var int Course module id of the room. */
    private $cmid;

    /** @var \stdClass[] Two students. */
    private $students = [];

    /**
     * A BigBlueButton room with two students who joined; the server's summary came for the first.
     */
    protected function setUp(): void {
        parent::setUp();
        \core\plugininfo\mod::enable_plugin('bigbluebuttonbn', 1);
        $result = $this->call('save_activities', [[$this->activity('coop:event:room-1', 'bigbluebuttonbn')]]);
        $this->cmid = $result['activities'][0]['cmid'];
        $room = instance::get_from_cmid($this->cmid);
        foreach ([0, 1] as $i) {
            $this->students[$i] = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
            $this->setUser($this->students[$i]);
            logger::log_meeting_joined_event($room, 0);
        }
        $this->setAdminUser();
        logger::log_event_summary($room, ['userid' => $this->students[0]->id, 'meetingid' => $room->get_meeting_id()],
            ['recordid' => 'rec-1', 'data' => ['duration' => 3000,
                'engagement' => ['chats' => 2, 'talks' => 5, 'raisehand' => 1, 'poll_votes' => 3, 'emojis' => 4]]]);
    }

    /**
     * Joins and the summary come back in log order, the summary's figures read out of its meta; pages add up.
     */
    public function test_joins_and_summary(): void {
        $result = $this->call('get_bbb_attendance', [$this->cmid, 0, 0, 5000]);
        $this->assertSame($this->cmid, $result['cmid']);
        $this->assertSame((int) $this->course->id, $result['courseid']);
        $this->assertSame(3, $result['total']);
        $this->assertSame(['Join', 'Join', 'Summary'], array_column($result['logs'], 'log'));
        $this->assertSame([(int) $this->students[0]->id, (int) $this->students[1]->id, (int) $this->students[0]->id],
            array_column($result['logs'], 'userid'));
        $summary = $result['logs'][2];
        $this->assertSame([3000, 2, 5, 1, 3, 4], [$summary['duration'], $summary['chats'], $summary['talks'],
            $summary['raisehand'], $summary['pollvotes'], $summary['emojis']]);
        $this->assertSame('rec-1', json_decode($summary['meta'])->recordid);
        $this->assertSame(0, $result['logs'][0]['duration']);
        $this->assertSame(0, json_decode($result['logs'][0]['meta'])->origin);

        $first = $this->call('get_bbb_attendance', [$this->cmid, 0, 0, 2]);
        $second = $this->call('get_bbb_attendance', [$this->cmid, 0, 2, 2]);
        $this->assertSame($result['logs'], array_merge($first['logs'], $second['logs']));
        $later = $this->call('get_bbb_attendance', [$this->cmid, time() + 3600, 0, 5000]);
        $this->assertSame(0, $later['total']);
    }

    /**
     * Bad paging and an id that is not a BigBlueButton activity are refused.
     */
    public function test_bad_input(): void {
        $page = $this->call('save_activities', [[$this->activity('coop:test:page', 'page')]])['activities'][0]['cmid'];
        foreach ([[$this->cmid, 0, -1, 10], [$this->cmid, 0, 0, 0], [$this->cmid, 0, 0, 5001], [$page, 0, 0, 10]]
                as $args) {
            try {
                $this->call('get_bbb_attendance', $args);
                $this->fail('Expected invalid_parameter_exception for ' . json_encode($args));
            } catch (\invalid_parameter_exception $e) {
                $this->assertInstanceOf(\invalid_parameter_exception::class, $e);
            }
        }
    }

    /**
     * A teacher without local/cooperare:provision is refused before anything is looked up.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_bbb_attendance', [$this->cmid, 0, 0, 5000]);
    }
}
