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
 * Tests of local_cooperare_save_cohort_sync and local_cooperare_delete_cohort_sync.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_cohort_sync
 * @covers     \local_cooperare\local\cohortsync
 */
final class save_cohort_sync_test extends testcase {
    /** @var \stdClass A cohort with two members. */
    private $cohort;

    /** @var \stdClass[] Its members. */
    private $members = [];

    /**
     * A cohort with two members and a course group.
     */
    protected function setUp(): void {
        parent::setUp();
        $this->cohort = $this->getDataGenerator()->create_cohort(['idnumber' => 'coop:cohort:primarii-2027']);
        foreach ([1, 2] as $i) {
            $user = $this->getDataGenerator()->create_user();
            cohort_add_member($this->cohort->id, $user->id);
            $this->members[] = $user;
        }
        $this->getDataGenerator()->create_group(['courseid' => $this->course->id, 'idnumber' => 'coop:group:g1',
            'name' => 'Grupa 1']);
    }

    /**
     * The instance is added and members enrolled; a re-run is a no-op; a new role updates it.
     */
    public function test_add_rerun_update(): void {
        global $DB;
        $item = ['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:primarii-2027',
            'groupidnumber' => 'coop:group:g1', 'spechash' => 'e1'];
        $result = $this->call('save_cohort_sync', [[$item]]);
        $instance = $result['instances'][0];
        $this->assertSame('created', $instance['action']);
        $this->assertEquals($this->cohort->id, $instance['cohortid']);
        $this->assertNotEquals(0, $instance['groupid']);
        $context = \context_course::instance($this->course->id);
        foreach ($this->members as $member) {
            $this->assertTrue(is_enrolled($context, $member));
            $this->assertTrue(groups_is_member($instance['groupid'], $member->id));
        }

        $again = $this->call('save_cohort_sync', [[$item]]);
        $this->assertSame('unchanged', $again['instances'][0]['action']);
        $this->assertSame($instance['enrolid'], $again['instances'][0]['enrolid']);
        $this->assertEquals(1, $DB->count_records('enrol', ['courseid' => $this->course->id, 'enrol' => 'cohort']));

        $item['role'] = 'teacher';
        $updated = $this->call('save_cohort_sync', [[$item]]);
        $this->assertSame('updated', $updated['instances'][0]['action']);
        $this->assertEquals($DB->get_field('role', 'id', ['shortname' => 'teacher']),
            $DB->get_field('enrol', 'roleid', ['id' => $instance['enrolid']]));

        $described = $this->call('describe_courses', [[$this->course->idnumber]])['courses'][0]['cohortsync'];
        $this->assertCount(1, $described);
        $this->assertSame('coop:cohort:primarii-2027', $described[0]['cohortidnumber']);
        $this->assertSame('teacher', $described[0]['role']);
        $this->assertSame('coop:group:g1', $described[0]['groupidnumber']);
        $this->assertTrue($described[0]['managed']);
        $this->assertFalse($described[0]['drift']);
    }

    /**
     * Unknown cohort, role or group are refused, and the call is rolled back.
     */
    public function test_bad_input(): void {
        global $DB;
        $good = ['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:primarii-2027'];
        $cases = [
            [['cohortidnumber' => 'coop:cohort:none'], 'no cohort has this idnumber'],
            [['role' => 'nosuchrole'], "role 'nosuchrole' cannot be assigned"],
            [['groupidnumber' => 'coop:group:none'], "no group with idnumber 'coop:group:none'"],
            [['status' => 5], 'status must be'],
        ];
        $other = $this->getDataGenerator()->create_course(['idnumber' => 'coop:course:other']);
        foreach ($cases as [$fields, $message]) {
            try {
                $this->call('save_cohort_sync', [[
                    ['courseid' => $other->id, 'cohortidnumber' => 'coop:cohort:primarii-2027'],
                    $fields + $good,
                ]]);
                $this->fail("Expected invalid_parameter_exception: {$message}");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo);
            }
        }
        $this->assertEquals(0, $DB->count_records('enrol', ['enrol' => 'cohort']));
    }

    /**
     * Cohort sync disabled on the site.
     */
    public function test_cohort_sync_disabled(): void {
        set_config('enrol_plugins_enabled', 'manual,guest,self');
        try {
            $this->call('save_cohort_sync', [[['courseid' => $this->course->id,
                'cohortidnumber' => 'coop:cohort:primarii-2027']]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('cohortsyncdisabled', $e->errorcode);
        }
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_cohort_sync', [[['courseid' => $this->course->id,
            'cohortidnumber' => 'coop:cohort:primarii-2027']]]);
    }
}
