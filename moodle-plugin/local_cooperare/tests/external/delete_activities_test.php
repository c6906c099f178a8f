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
 * Tests of local_cooperare_delete_activities.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\delete_activities
 */
final class delete_activities_test extends testcase {
    /**
     * Activities created by the plugin are deleted; a second call finds nothing.
     */
    public function test_delete_and_rerun(): void {
        global $DB;
        $cmid = $this->create_quiz('coop:test:quiz');
        $this->call('save_questions', [[['courseid' => $this->course->id, 'quiz' => 'coop:test:quiz',
            'questions' => [['idnumber' => 'coop:test:quiz:q1', 'xml' => $this->truefalse_xml('coop:test:quiz:q1')]]]]]);
        $this->call('save_activities', [[$this->activity('coop:test:page', 'page')]]);

        $items = [['courseid' => $this->course->id, 'idnumber' => 'coop:test:quiz'],
            ['courseid' => $this->course->id, 'idnumber' => 'coop:test:page']];
        $result = $this->call('delete_activities', [$items]);
        $this->assertSame(['deleted', 'deleted'], array_column($result['activities'], 'action'));
        $this->assertEquals($cmid, $result['activities'][0]['cmid']);
        $this->assertFalse($DB->record_exists('course_modules', ['id' => $cmid]));
        $this->assertFalse($DB->record_exists('local_cooperare_item', ['courseid' => $this->course->id]));

        $again = $this->call('delete_activities', [$items]);
        $this->assertSame(['notfound', 'notfound'], array_column($again['activities'], 'action'));
        $this->assertSame([0, 0], array_column($again['activities'], 'cmid'));
    }

    /**
     * An activity the plugin did not create is not deleted, and the whole call is rolled back.
     */
    public function test_not_managed(): void {
        global $DB;
        $this->call('save_activities', [[$this->activity('coop:test:page', 'page')]]);
        $manual = $this->getDataGenerator()->create_module('page', ['course' => $this->course->id],
            ['idnumber' => 'coop:test:manual']);
        try {
            $this->call('delete_activities', [[
                ['courseid' => $this->course->id, 'idnumber' => 'coop:test:page'],
                ['courseid' => $this->course->id, 'idnumber' => 'coop:test:manual'],
            ]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('notmanaged', $e->errorcode);
        }
        $this->assertTrue($DB->record_exists('course_modules', ['id' => $manual->cmid]));
        $this->assertNotFalse(\local_cooperare\local\util::get_cm_by_idnumber($this->course->id, 'coop:test:page'));
    }

    /**
     * Bad input: unknown course.
     */
    public function test_bad_input(): void {
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('delete_activities', [[['courseid' => 0, 'idnumber' => 'coop:test:page']]]);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->call('save_activities', [[$this->activity('coop:test:page', 'page')]]);
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('delete_activities', [[['courseid' => $this->course->id, 'idnumber' => 'coop:test:page']]]);
    }
}
