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
 * Tests of local_cooperare_save_enrol_methods and local_cooperare_get_enrol_methods.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_enrol_methods
 * @covers     \local_cooperare\external\get_enrol_methods
 * @covers     \local_cooperare\local\enrolmethods
 */
final class save_enrol_methods_test extends testcase {
    /**
     * The described instance of a method in the test course.
     *
     * @param string $method
     * @return array|null
     */
    private function described(string $method): ?array {
        $result = $this->call('get_enrol_methods', [[$this->course->id]]);
        foreach ($result['courses'][0]['methods'] as $instance) {
            if ($instance['method'] === $method) {
                return $instance;
            }
        }
        return null;
    }

    /**
     * The default (disabled) self and guest instances of a new course are taken over, a re-run changes nothing, a new
     * date updates only that field.
     */
    public function test_takes_over_the_default_instances_rerun_and_update(): void {
        global $DB;
        $cohort = $this->getDataGenerator()->create_cohort(['idnumber' => 'coop:cohort:cetateni']);
        $defaultself = $DB->get_record('enrol', ['courseid' => $this->course->id, 'enrol' => 'self'], '*', MUST_EXIST);
        $self = ['courseid' => $this->course->id, 'method' => 'self', 'enrolstartdate' => 1767225600,
            'enrolenddate' => 1769904000, 'cohortidnumber' => 'coop:cohort:cetateni', 'spechash' => 's1'];
        $guest = ['courseid' => $this->course->id, 'method' => 'guest', 'spechash' => 'g1'];
        $result = $this->call('save_enrol_methods', [[$self, $guest]]);
        $this->assertSame('updated', $result['methods'][0]['action']);
        $this->assertEquals($defaultself->id, $result['methods'][0]['enrolid']);
        $this->assertContains('status', $result['methods'][0]['changed']);
        $this->assertContains('cohortid', $result['methods'][0]['changed']);
        $this->assertSame('guest', $result['methods'][1]['method']);
        $this->assertSame(['status'], $result['methods'][1]['changed']);
        $this->assertEquals(1, $DB->count_records('enrol', ['courseid' => $this->course->id, 'enrol' => 'self']));

        $instance = $DB->get_record('enrol', ['id' => $defaultself->id], '*', MUST_EXIST);
        $this->assertEquals(ENROL_INSTANCE_ENABLED, $instance->status);
        $this->assertEquals(1767225600, $instance->enrolstartdate);
        $this->assertEquals(1769904000, $instance->enrolenddate);
        $this->assertEquals($cohort->id, $instance->customint5);
        $this->assertEquals($DB->get_field('role', 'id', ['shortname' => 'student']), $instance->roleid);
        $this->assertEquals(ENROL_INSTANCE_ENABLED,
            $DB->get_field('enrol', 'status', ['courseid' => $this->course->id, 'enrol' => 'guest']));

        $again = $this->call('save_enrol_methods', [[$self, $guest]]);
        $this->assertSame(['unchanged', 'unchanged'], array_column($again['methods'], 'action'));
        $this->assertSame([], $again['methods'][0]['changed']);

        $self['enrolenddate'] = 1770000000;
        $updated = $this->call('save_enrol_methods', [[$self]]);
        $this->assertSame('updated', $updated['methods'][0]['action']);
        $this->assertSame(['enrolenddate'], $updated['methods'][0]['changed']);

        $described = $this->described('self');
        $this->assertSame('coop:cohort:cetateni', $described['cohortidnumber']);
        $this->assertSame('student', $described['role']);
        $this->assertSame(1770000000, $described['enrolenddate']);
        $this->assertTrue($described['managed']);
        $this->assertFalse($described['drift']);
        $this->assertSame('s1', $described['spechash']);
    }

    /**
     * Without an instance of the method, one is added; a change made in Moodle is drift until saved again.
     */
    public function test_creates_missing_instance_and_reports_drift(): void {
        global $DB;
        $DB->delete_records('enrol', ['courseid' => $this->course->id, 'enrol' => 'self']);
        $item = ['courseid' => $this->course->id, 'method' => 'self', 'role' => 'student',
            'name' => 'Înscriere liberă'];
        $result = $this->call('save_enrol_methods', [[$item]]);
        $this->assertSame('created', $result['methods'][0]['action']);
        $enrolid = $result['methods'][0]['enrolid'];
        $this->assertSame('Înscriere liberă', $DB->get_field('enrol', 'name', ['id' => $enrolid]));

        $DB->set_field('enrol', 'enrolenddate', 1800000000, ['id' => $enrolid]);
        $this->assertTrue($this->described('self')['drift']);
        $repaired = $this->call('save_enrol_methods', [[$item]]);
        $this->assertSame(['enrolenddate'], $repaired['methods'][0]['changed']);
        $this->assertFalse($this->described('self')['drift']);
        $this->assertEquals(0, $DB->get_field('enrol', 'enrolenddate', ['id' => $enrolid]));
    }

    /**
     * A self-enrolled user lands in the course with the configured role while the instance is open.
     */
    public function test_self_enrolment_works_for_a_user(): void {
        global $DB, $CFG;
        require_once($CFG->dirroot . '/enrol/self/lib.php');
        $result = $this->call('save_enrol_methods', [[['courseid' => $this->course->id, 'method' => 'self',
            'role' => 'student']]]);
        $instance = $DB->get_record('enrol', ['id' => $result['methods'][0]['enrolid']], '*', MUST_EXIST);
        $user = $this->getDataGenerator()->create_user();
        $this->setUser($user);
        // The course welcome message goes out on enrolment.
        $this->redirectEmails();
        $this->redirectMessages();
        $plugin = enrol_get_plugin('self');
        $this->assertTrue($plugin->can_self_enrol($instance));
        $plugin->enrol_self($instance);
        $this->assertTrue(is_enrolled(\context_course::instance($this->course->id), $user));
    }

    /**
     * Bad input is refused and the whole call rolled back.
     */
    public function test_bad_input(): void {
        global $DB;
        $other = $this->getDataGenerator()->create_course(['idnumber' => 'coop:course:other']);
        $before = $DB->get_records('enrol', null, 'id', 'id, status');
        $good = ['courseid' => $this->course->id, 'method' => 'guest'];
        $cases = [
            [['method' => 'manual'], 'method must be one of self, guest'],
            [['method' => 'self', 'role' => 'nosuchrole'], "role 'nosuchrole' cannot be assigned"],
            [['method' => 'self', 'cohortidnumber' => 'coop:cohort:none'], 'no cohort has this idnumber'],
            [['method' => 'self', 'enrolstartdate' => 200, 'enrolenddate' => 100], 'end date is before the start'],
            [['enrolstartdate' => 100], 'guest access has no enrolment dates'],
            [['status' => 3], 'status must be'],
        ];
        foreach ($cases as [$fields, $message]) {
            try {
                $this->call('save_enrol_methods', [[['courseid' => $other->id, 'method' => 'guest'], $fields + $good]]);
                $this->fail("Expected invalid_parameter_exception: {$message}");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo);
            }
        }
        $this->assertEquals($before, $DB->get_records('enrol', null, 'id', 'id, status'));
    }

    /**
     * A method disabled on the site is refused with its own error.
     */
    public function test_method_disabled(): void {
        set_config('enrol_plugins_enabled', 'manual,self,cohort');
        try {
            $this->call('save_enrol_methods', [[['courseid' => $this->course->id, 'method' => 'guest']]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('enrolmethoddisabled', $e->errorcode);
        }
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_enrol_methods', [[['courseid' => $this->course->id, 'method' => 'self']]]);
    }

    /**
     * Keyed instances: one per event beside the course's single instance, each with its own dates and group; a re-run
     * changes nothing; users enrolling through one land in its group only; a group renamed in Moodle is drift.
     */
    public function test_keyed_instances_with_their_own_dates_and_groups(): void {
        global $DB, $CFG;
        require_once($CFG->dirroot . '/enrol/self/lib.php');
        $courseid = $this->course->id;
        $single = ['courseid' => $courseid, 'method' => 'self', 'status' => 1, 'spechash' => 'c'];
        $one = ['courseid' => $courseid, 'method' => 'self', 'key' => 'coop:ev:unu', 'name' => 'Evenimentul unu',
            'enrolstartdate' => time() - 86400, 'enrolenddate' => time() + 86400, 'groupname' => 'Unu — participanți',
            'spechash' => 'e1'];
        $two = ['key' => 'coop:ev:doi', 'name' => 'Evenimentul doi', 'enrolstartdate' => time() + 10 * 86400,
            'enrolenddate' => time() + 20 * 86400, 'groupname' => 'Doi', 'maxenrolled' => 300, 'spechash' => 'e2'] + $one;
        $result = $this->call('save_enrol_methods', [[$single, $one, $two]]);
        [$r0, $r1, $r2] = $result['methods'];
        $defaultself = $DB->get_field('enrol', 'MIN(id)', ['courseid' => $courseid, 'enrol' => 'self']);
        $this->assertEquals($defaultself, $r0['enrolid']);
        $this->assertSame(['', 'created', 'coop:ev:unu', 'created', 'coop:ev:doi'],
            [$r0['key'], $r1['action'], $r1['key'], $r2['action'], $r2['key']]);
        $this->assertNotEquals($r1['enrolid'], $r2['enrolid']);
        $this->assertEquals(3, $DB->count_records('enrol', ['courseid' => $courseid, 'enrol' => 'self']));
        $this->assertEquals($two['enrolstartdate'], $DB->get_field('enrol', 'enrolstartdate', ['id' => $r2['enrolid']]));
        $groupone = $DB->get_record('groups', ['courseid' => $courseid, 'idnumber' => 'coop:ev:unu'], '*', MUST_EXIST);
        $this->assertSame('Unu — participanți', $groupone->name);

        $again = $this->call('save_enrol_methods', [[$single, $one, $two]]);
        $this->assertSame(['unchanged', 'unchanged', 'unchanged'], array_column($again['methods'], 'action'));
        $this->assertSame([$r0['enrolid'], $r1['enrolid'], $r2['enrolid']], array_column($again['methods'], 'enrolid'));

        $described = array_column($this->call('get_enrol_methods', [[$courseid]])['courses'][0]['methods'], null,
            'enrolid');
        $this->assertSame('coop:ev:doi', $described[$r2['enrolid']]['key']);
        $this->assertSame('Doi', $described[$r2['enrolid']]['groupname']);
        $this->assertSame(300, $described[$r2['enrolid']]['maxenrolled']);
        $this->assertEquals(300, $DB->get_field('enrol', 'customint3', ['id' => $r2['enrolid']]));
        $this->assertSame(0, $described[$r1['enrolid']]['maxenrolled']);
        $this->assertSame('e2', $described[$r2['enrolid']]['spechash']);
        $this->assertSame('', $described[$r0['enrolid']]['key']);

        // The registration page finds a keyed instance by key or by id, never the course's single one.
        $this->assertEquals($r2['enrolid'], \local_cooperare\local\enrolmethods::keyed_instance(0, 'coop:ev:doi')->id);
        $this->assertEquals($r1['enrolid'], \local_cooperare\local\enrolmethods::keyed_instance($r1['enrolid'], '')->id);
        $this->assertNull(\local_cooperare\local\enrolmethods::keyed_instance($r0['enrolid'], ''));
        $this->assertNull(\local_cooperare\local\enrolmethods::keyed_instance(0, 'coop:ev:none'));
        $this->assertSame('coop:ev:doi', \local_cooperare\local\enrolmethods::key_of_instance(
            $DB->get_record('enrol', ['id' => $r2['enrolid']])));

        // A user registers for the open event and joins its group (the observer), not the other's.
        $user = $this->getDataGenerator()->create_user();
        $this->setUser($user);
        $this->redirectEmails();
        $this->redirectMessages();
        $plugin = enrol_get_plugin('self');
        $instanceone = $DB->get_record('enrol', ['id' => $r1['enrolid']], '*', MUST_EXIST);
        $instancetwo = $DB->get_record('enrol', ['id' => $r2['enrolid']], '*', MUST_EXIST);
        $this->assertTrue($plugin->can_self_enrol($instanceone));
        $this->assertNotTrue($plugin->can_self_enrol($instancetwo));
        $plugin->enrol_self($instanceone);
        $this->assertTrue(groups_is_member($groupone->id, $user->id));
        $grouptwo = $DB->get_field('groups', 'id', ['courseid' => $courseid, 'idnumber' => 'coop:ev:doi']);
        $this->assertFalse(groups_is_member($grouptwo, $user->id));
        $this->setAdminUser();

        // Renamed in Moodle: drift; saved again: renamed back. Someone enrolled by hand through the instance joins too.
        $DB->set_field('groups', 'name', 'Altceva', ['id' => $groupone->id]);
        $this->assertTrue(array_column($this->call('get_enrol_methods', [[$courseid]])['courses'][0]['methods'], null,
            'enrolid')[$r1['enrolid']]['drift']);
        $other = $this->getDataGenerator()->create_user();
        $plugin->enrol_user($instanceone, $other->id, $instanceone->roleid);
        $this->assertTrue(groups_is_member($groupone->id, $other->id));
        $DB->delete_records('groups_members', ['groupid' => $groupone->id, 'userid' => $other->id]);
        $repaired = $this->call('save_enrol_methods', [[$one]]);
        $this->assertSame(['groupname'], $repaired['methods'][0]['changed']);
        $this->assertSame('Unu — participanți', $DB->get_field('groups', 'name', ['id' => $groupone->id]));
        $this->assertTrue(groups_is_member($groupone->id, $other->id));
    }

    /**
     * A key is for self enrolment only, a group needs a key, and a key appears once per call.
     */
    public function test_keyed_bad_input(): void {
        $courseid = $this->course->id;
        $cases = [
            [['method' => 'guest', 'key' => 'k'], 'guest access has one instance per course'],
            [['method' => 'self', 'groupname' => 'G'], 'only a keyed instance puts its users into a group'],
        ];
        foreach ($cases as [$fields, $message]) {
            try {
                $this->call('save_enrol_methods', [[['courseid' => $courseid] + $fields]]);
                $this->fail("Expected invalid_parameter_exception: {$message}");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo);
            }
        }
        $item = ['courseid' => $courseid, 'method' => 'self', 'key' => 'k'];
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_enrol_methods', [[$item, $item]]);
    }
}
