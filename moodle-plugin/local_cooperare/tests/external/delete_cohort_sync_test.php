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
 * Tests of local_cooperare_delete_cohort_sync.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\delete_cohort_sync
 * @covers     \local_cooperare\local\cohortsync
 */
final class delete_cohort_sync_test extends testcase {
    /** @var \stdClass */
    private $cohort;

    /** @var \stdClass */
    private $member;

    /**
     * A cohort with one member.
     */
    protected function setUp(): void {
        parent::setUp();
        $this->cohort = $this->getDataGenerator()->create_cohort(['idnumber' => 'coop:cohort:c1']);
        $this->member = $this->getDataGenerator()->create_user();
        cohort_add_member($this->cohort->id, $this->member->id);
    }

    /**
     * The instance goes, members are unenrolled; a second call finds nothing.
     */
    public function test_delete_and_rerun(): void {
        global $DB;
        $saved = $this->call('save_cohort_sync', [[['courseid' => $this->course->id,
            'cohortidnumber' => 'coop:cohort:c1']]]);
        $context = \context_course::instance($this->course->id);
        $this->assertTrue(is_enrolled($context, $this->member));

        $item = ['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:c1'];
        $result = $this->call('delete_cohort_sync', [[$item]]);
        $this->assertSame('deleted', $result['instances'][0]['action']);
        $this->assertSame($saved['instances'][0]['enrolid'], $result['instances'][0]['enrolid']);
        $this->assertFalse($DB->record_exists('enrol', ['id' => $result['instances'][0]['enrolid']]));
        $this->assertFalse(is_enrolled($context, $this->member));

        $again = $this->call('delete_cohort_sync', [[$item]]);
        $this->assertSame('notfound', $again['instances'][0]['action']);
        $this->assertSame(0, $again['instances'][0]['enrolid']);
    }

    /**
     * An instance added by hand is not the plugin's to delete.
     */
    public function test_not_managed(): void {
        global $DB;
        $plugin = enrol_get_plugin('cohort');
        $enrolid = $plugin->add_instance($this->course, ['customint1' => $this->cohort->id, 'roleid' => 5]);
        try {
            $this->call('delete_cohort_sync', [[['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:c1']]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('notmanaged', $e->errorcode);
        }
        $this->assertTrue($DB->record_exists('enrol', ['id' => $enrolid]));
    }

    /**
     * Bad input: duplicate items.
     */
    public function test_bad_input(): void {
        $this->expectException(\invalid_parameter_exception::class);
        $item = ['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:c1'];
        $this->call('delete_cohort_sync', [[$item, $item]]);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('delete_cohort_sync', [[['courseid' => $this->course->id, 'cohortidnumber' => 'coop:cohort:c1']]]);
    }
}
