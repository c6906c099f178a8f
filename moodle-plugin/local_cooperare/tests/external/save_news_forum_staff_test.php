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
 * Tests of local_cooperare_save_news_forum_staff.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_news_forum_staff
 */
final class save_news_forum_staff_test extends testcase {
    /**
     * A trainer and a tutor can post by their roles; in a news forum whose subscription is optional both are
     * subscribed once; a second call changes nothing.
     */
    public function test_trainer_and_tutor_subscribed_and_can_post(): void {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/mod/forum/lib.php');
        $trainer = $this->getDataGenerator()->create_and_enrol($this->course, 'editingteacher');
        $tutor = $this->getDataGenerator()->create_and_enrol($this->course, 'teacher');
        $items = [['courseid' => $this->course->id, 'userid' => $trainer->id],
            ['courseid' => $this->course->id, 'userid' => $tutor->id]];
        $forum = forum_get_course_forum($this->course->id, 'news');
        $DB->set_field('forum', 'forcesubscribe', FORUM_CHOOSESUBSCRIBE, ['id' => $forum->id]);
        $result = $this->call('save_news_forum_staff', [$items])['staff'];
        $forum = forum_get_course_forum($this->course->id, 'news');
        $cm = get_coursemodule_from_instance('forum', $forum->id);
        $modcontext = \context_module::instance($cm->id);
        $this->assertCount(2, $result);
        foreach ($result as $row) {
            $this->assertSame((int) $forum->id, $row['forumid']);
            $this->assertSame('subscribed', $row['subscribed']);
            $this->assertSame('', $row['overridden']);
            $this->assertTrue(\mod_forum\subscriptions::is_subscribed($row['userid'], $forum, null, $cm));
            $this->assertTrue(has_capability('mod/forum:addnews', $modcontext, $row['userid']));
        }
        $again = $this->call('save_news_forum_staff', [$items])['staff'];
        $this->assertSame(['unchanged', 'unchanged'], array_column($again, 'subscribed'));
    }

    /**
     * Moodle makes a course's news forum with forced subscription: everyone is subscribed already, so the answer is
     * "unchanged" and no subscription row is written (seen on real 4.5.6 and 5.1.3 sites).
     */
    public function test_forced_subscription_news_forum_is_unchanged(): void {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/mod/forum/lib.php');
        $trainer = $this->getDataGenerator()->create_and_enrol($this->course, 'editingteacher');
        $forum = forum_get_course_forum($this->course->id, 'news');
        $this->assertEquals(FORUM_FORCESUBSCRIBE, $forum->forcesubscribe);
        $result = $this->call('save_news_forum_staff', [[['courseid' => $this->course->id, 'userid' => $trainer->id]]]);
        $this->assertSame('unchanged', $result['staff'][0]['subscribed']);
        $cm = get_coursemodule_from_instance('forum', $forum->id);
        $this->assertTrue(\mod_forum\subscriptions::is_subscribed($trainer->id, $forum, null, $cm));
        $this->assertFalse($DB->record_exists('forum_subscriptions', ['forum' => $forum->id, 'userid' => $trainer->id]));
    }

    /**
     * A participant whose role cannot post gets mod/forum:addnews for that role in this forum only.
     */
    public function test_override_only_when_missing(): void {
        global $CFG, $DB;
        require_once($CFG->dirroot . '/mod/forum/lib.php');
        $student = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $result = $this->call('save_news_forum_staff', [[['courseid' => $this->course->id, 'userid' => $student->id]]]);
        $this->assertSame('student', $result['staff'][0]['overridden']);
        $modcontext = \context_module::instance($result['staff'][0]['cmid']);
        $this->assertTrue(has_capability('mod/forum:addnews', $modcontext, $student->id));
        $this->assertFalse(has_capability('mod/forum:addnews', \context_course::instance($this->course->id), $student->id));
        $studentrole = $DB->get_field('role', 'id', ['shortname' => 'student']);
        $this->assertEquals(1, $DB->count_records('role_capabilities', ['roleid' => $studentrole,
            'contextid' => $modcontext->id, 'capability' => 'mod/forum:addnews']));
        $again = $this->call('save_news_forum_staff', [[['courseid' => $this->course->id, 'userid' => $student->id]]]);
        $this->assertSame('', $again['staff'][0]['overridden']);
    }

    /**
     * A user who is not a participant is refused, and nothing is written.
     */
    public function test_refuses_non_participant(): void {
        global $DB;
        $trainer = $this->getDataGenerator()->create_and_enrol($this->course, 'editingteacher');
        $stranger = $this->getDataGenerator()->create_user();
        try {
            $this->call('save_news_forum_staff', [[['courseid' => $this->course->id, 'userid' => $trainer->id],
                ['courseid' => $this->course->id, 'userid' => $stranger->id]]]);
            $this->fail('a non-participant was accepted');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString('not an active participant', $e->getMessage());
        }
        $this->assertEquals(0, $DB->count_records('forum_subscriptions', ['userid' => $trainer->id]));
    }
}
