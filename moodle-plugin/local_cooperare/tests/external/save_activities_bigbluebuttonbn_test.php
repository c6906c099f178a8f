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

/**
 * Tests of BigBlueButton rooms through local_cooperare_save_activities.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_activities
 * @covers     \local_cooperare\local\activities
 */
final class save_activities_bigbluebuttonbn_test extends testcase {
    /**
     * A room item: opens 2026-04-01 10:00 UTC, closes two hours later.
     *
     * @param array $options overrides
     * @return array
     */
    private function room(array $options = []): array {
        $values = $options + ['openingtime' => '1775037600', 'closingtime' => '1775044800',
            'welcome' => 'Bine ați venit la evenimentul de diseminare!', 'wait' => '1', 'record' => '0'];
        $list = [];
        foreach ($values as $name => $value) {
            $list[] = ['name' => $name, 'value' => $value];
        }
        return $this->activity('coop:event:room-1', 'bigbluebuttonbn', ['options' => $list]);
    }

    /**
     * BigBlueButton is disabled on a new site; the tests enable it as an administrator would.
     */
    protected function setUp(): void {
        parent::setUp();
        \core\plugininfo\mod::enable_plugin('bigbluebuttonbn', 1);
    }

    /**
     * A room is created with its times, welcome message, wait and recording settings and a calendar event for its
     * opening; a re-run changes nothing; a new closing time updates it.
     */
    public function test_create_rerun_update(): void {
        global $DB;
        $result = $this->call('save_activities', [[$this->room()]]);
        $this->assertSame('created', $result['activities'][0]['action']);
        $room = $DB->get_record('bigbluebuttonbn', ['id' => $result['activities'][0]['instance']], '*', MUST_EXIST);
        $this->assertEquals(1775037600, $room->openingtime);
        $this->assertEquals(1775044800, $room->closingtime);
        $this->assertSame('Bine ați venit la evenimentul de diseminare!', $room->welcome);
        $this->assertEquals(1, $room->wait);
        $this->assertEquals(0, $room->record);
        $this->assertNotEmpty($room->meetingid);
        $rules = json_decode($room->participants, true);
        $this->assertSame(['selectiontype' => 'all', 'selectionid' => 'all', 'role' => 'viewer'], $rules[0]);
        $this->assertTrue($DB->record_exists('event', ['modulename' => 'bigbluebuttonbn', 'instance' => $room->id,
            'timestart' => 1775037600]));

        $again = $this->call('save_activities', [[$this->room()]]);
        $this->assertSame('unchanged', $again['activities'][0]['action']);

        $updated = $this->call('save_activities', [[$this->room(['closingtime' => '1775048400'])]]);
        $this->assertSame('updated', $updated['activities'][0]['action']);
        $this->assertEquals(1775048400, $DB->get_field('bigbluebuttonbn', 'closingtime', ['id' => $room->id]));
        $this->assertEquals(0, $DB->get_field('bigbluebuttonbn', 'record', ['id' => $room->id]));

        $described = $this->described_activity('coop:event:room-1');
        $options = array_column($described['options'], 'value', 'name');
        $this->assertSame(['openingtime' => '1775037600', 'closingtime' => '1775048400',
            'welcome' => 'Bine ați venit la evenimentul de diseminare!', 'wait' => '1', 'record' => '0'], $options);
        $this->assertFalse($described['drift']);
    }

    /**
     * A room closing before it opens is refused.
     */
    public function test_bad_times(): void {
        try {
            $this->call('save_activities', [[$this->room(['closingtime' => '1775037600'])]]);
            $this->fail('Expected invalid_parameter_exception');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString('closingtime must be after openingtime', $e->debuginfo);
        }
    }

    /**
     * With BigBlueButton disabled on the site (as Moodle installs it), no room is added.
     */
    public function test_module_disabled(): void {
        global $DB;
        \core\plugininfo\mod::enable_plugin('bigbluebuttonbn', 0);
        try {
            $this->call('save_activities', [[$this->room()]]);
            $this->fail('Expected invalid_parameter_exception');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString("module 'bigbluebuttonbn' is disabled on this site", $e->debuginfo);
        }
        $this->assertEquals(0, $DB->count_records('bigbluebuttonbn'));
    }
}
