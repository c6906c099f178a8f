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
 * Tests of local_cooperare_get_activity_counts.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_activity_counts
 */
final class get_activity_counts_test extends testcase {
    /** Start of the period: 2026-03-01 00:00 UTC. */
    const FROM = 1772323200;

    /** End of the period: 2026-03-31 23:59:59 UTC. */
    const TO = 1775001599;

    /** @var \stdClass[] Three students, by user id. */
    private $students = [];

    /**
     * A course with a page, a forum and a quiz; the first student did things inside and outside the period, the
     * second only visited the course, the third did nothing.
     */
    protected function setUp(): void {
        global $DB;
        parent::setUp();
        $saved = $this->call('save_activities', [[
            $this->activity('coop:test:page', 'page', ['completion' => 2, 'completionview' => 1]),
            $this->activity('coop:test:forum', 'forum'),
        ]]);
        $pagecmid = $saved['activities'][0]['cmid'];
        $forumid = $saved['activities'][1]['instance'];
        $quizcmid = $this->create_quiz();
        $quizid = $DB->get_field('course_modules', 'instance', ['id' => $quizcmid]);
        for ($i = 0; $i < 3; $i++) {
            $this->students[] = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        }
        usort($this->students, fn($a, $b) => $a->id <=> $b->id);
        [$first, $second] = $this->students;

        $DB->insert_record('user_lastaccess', ['userid' => $first->id, 'courseid' => $this->course->id,
            'timeaccess' => self::FROM + 100]);
        $DB->insert_record('user_lastaccess', ['userid' => $second->id, 'courseid' => $this->course->id,
            'timeaccess' => self::TO + 100]);
        $DB->insert_record('course_modules_completion', ['coursemoduleid' => $pagecmid, 'userid' => $first->id,
            'completionstate' => COMPLETION_COMPLETE, 'timemodified' => self::FROM + 200]);
        $forumgenerator = $this->getDataGenerator()->get_plugin_generator('mod_forum');
        foreach ([self::FROM + 300, self::FROM + 400, self::FROM - 100] as $time) {
            $discussion = $forumgenerator->create_discussion(['course' => $this->course->id, 'forum' => $forumid,
                'userid' => $first->id]);
            $DB->set_field('forum_posts', 'created', $time, ['discussion' => $discussion->id]);
        }
        foreach ([[self::FROM + 500, 0], [self::FROM + 600, 1], [self::TO + 600, 0]] as $index => [$time, $preview]) {
            $DB->insert_record('quiz_attempts', ['quiz' => $quizid, 'userid' => $first->id, 'attempt' => $index + 1,
                'uniqueid' => 900000 + $index, 'layout' => '1,0', 'currentpage' => 0, 'preview' => $preview,
                'state' => 'finished', 'timestart' => $time - 60, 'timefinish' => $time, 'timemodified' => $time,
                'timemodifiedoffline' => 0, 'sumgrades' => 1.0]);
        }
    }

    /**
     * Counts within the period, the last access whatever the period, every enrolled user listed once; pages add up.
     */
    public function test_counts_in_the_period_and_pages(): void {
        [$first, $second, $third] = $this->students;
        $this->teacher();
        $result = $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 0, 1000]);
        $this->assertSame(4, $result['total']);
        $this->assertSame(self::TO, $result['timeto']);
        $rows = array_column($result['users'], null, 'userid');
        $this->assertSame(['userid' => (int) $first->id, 'lastaccess' => self::FROM + 100, 'completedactivities' => 1,
            'forumposts' => 2, 'quizattempts' => 1, 'periods' => []], $rows[$first->id]);
        $this->assertSame(self::TO + 100, $rows[$second->id]['lastaccess']);
        $this->assertSame(0, $rows[$second->id]['forumposts']);
        $this->assertSame(['userid' => (int) $third->id, 'lastaccess' => 0, 'completedactivities' => 0,
            'forumposts' => 0, 'quizattempts' => 0, 'periods' => []], $rows[$third->id]);

        $whole = $this->call('get_activity_counts', [$this->course->id, 0, 0, 0, 1000]);
        $this->assertSame(3, array_column($whole['users'], null, 'userid')[$first->id]['forumposts']);
        $this->assertSame(2, array_column($whole['users'], null, 'userid')[$first->id]['quizattempts']);

        $firstpage = $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 0, 3]);
        $nextpage = $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 3, 3]);
        $pages = array_merge($firstpage['users'], $nextpage['users']);
        $this->assertSame($result['users'], $pages);
    }

    /**
     * Per period: each count falls into the period of its time, the periods add up to the totals, users without
     * anything get zeros for every period.
     */
    public function test_counts_per_period(): void {
        [$first, , $third] = $this->students;
        $split = self::FROM + 350;
        $result = $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 0, 1000,
            [self::FROM, $split]]);
        $rows = array_column($result['users'], null, 'userid');
        $this->assertSame([
            ['start' => self::FROM, 'completedactivities' => 1, 'forumposts' => 1, 'quizattempts' => 0],
            ['start' => $split, 'completedactivities' => 0, 'forumposts' => 1, 'quizattempts' => 1],
        ], $rows[$first->id]['periods']);
        foreach (['completedactivities', 'forumposts', 'quizattempts'] as $name) {
            $this->assertSame($rows[$first->id][$name], array_sum(array_column($rows[$first->id]['periods'], $name)));
        }
        $this->assertSame([0, 0], array_column($rows[$third->id]['periods'], 'forumposts'));

        // A first period starting later leaves out what came before it (the totals still count the whole range).
        $late = $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 0, 1000, [$split]]);
        $row = array_column($late['users'], null, 'userid')[$first->id];
        $this->assertSame([['start' => $split, 'completedactivities' => 0, 'forumposts' => 1, 'quizattempts' => 1]],
            $row['periods']);
        $this->assertSame(2, $row['forumposts']);
    }

    /**
     * Periods out of order or outside the range are refused.
     */
    public function test_bad_periods(): void {
        foreach ([[self::FROM + 10, self::FROM + 10], [self::FROM + 20, self::FROM + 10], [self::FROM - 1],
                [self::TO + 1], range(self::FROM, self::FROM + 120)] as $periods) {
            try {
                $this->call('get_activity_counts', [$this->course->id, self::FROM, self::TO, 0, 10, $periods]);
                $this->fail('Expected invalid_parameter_exception for ' . json_encode($periods));
            } catch (\invalid_parameter_exception $e) {
                $this->assertInstanceOf(\invalid_parameter_exception::class, $e);
            }
        }
    }

    /**
     * Bad paging, a period ending before it starts and unknown courses are refused.
     */
    public function test_bad_input(): void {
        $id = $this->course->id;
        foreach ([[$id, 0, 0, -1, 10], [$id, 0, 0, 0, 0], [$id, 0, 0, 0, 1001], [$id, self::TO, self::FROM, 0, 10],
                [$id + 1000, 0, 0, 0, 10]] as $args) {
            try {
                $this->call('get_activity_counts', $args);
                $this->fail('Expected invalid_parameter_exception for ' . json_encode($args));
            } catch (\invalid_parameter_exception $e) {
                $this->assertInstanceOf(\invalid_parameter_exception::class, $e);
            }
        }
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_activity_counts', [$this->course->id, 0, 0, 0, 1000]);
    }
}
