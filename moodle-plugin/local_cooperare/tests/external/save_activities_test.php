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
require_once($CFG->dirroot . '/mod/forum/lib.php');

/**
 * Tests of local_cooperare_save_activities.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_activities
 * @covers     \local_cooperare\local\activities
 * @covers     \local_cooperare\local\feedback_items
 */
final class save_activities_test extends testcase {
    /**
     * A draft area of the current user holding one file.
     *
     * @param string $content
     * @return int draft item id
     */
    private function draft_file(string $content): int {
        global $USER;
        $draftitemid = file_get_unused_draft_itemid();
        get_file_storage()->create_file_from_string([
            'contextid' => \context_user::instance($USER->id)->id, 'component' => 'user', 'filearea' => 'draft',
            'itemid' => $draftitemid, 'filepath' => '/', 'filename' => 'ghid.txt',
        ], $content);
        return $draftitemid;
    }

    /**
     * The seven activity types of the catalogue.
     *
     * @return array
     */
    private function catalogue_items(): array {
        $items = json_encode([
            ['type' => 'rating', 'label' => 'f1', 'text' => 'Cât de utile vi s-au părut lecțiile?'],
            ['type' => 'text', 'label' => 'f2', 'text' => 'Ce ați schimba?'],
        ], JSON_UNESCAPED_UNICODE);
        return [
            $this->activity('coop:test:m1:lesson', 'page', [
                'name' => 'Lecția 1. Căutarea informațiilor',
                'completion' => 2, 'completionview' => 1,
                'options' => [['name' => 'content', 'value' => '<h3>Conținut</h3><p>Text în română: ș ț.</p>']],
            ]),
            $this->activity('coop:test:link', 'url', [
                'options' => [['name' => 'externalurl', 'value' => 'https://ghiseul.ro/'],
                    ['name' => 'display', 'value' => '5']],
            ]),
            $this->activity('coop:test:label', 'label', ['name' => '', 'intro' => '<p>Etichetă</p>']),
            $this->activity('coop:test:forum', 'forum', [
                'section' => 0, 'name' => 'Forumul cursului',
                'options' => [['name' => 'type', 'value' => 'general'], ['name' => 'forcesubscribe', 'value' => '1']],
            ]),
            $this->activity('coop:test:m1:quiz', 'quiz', [
                'name' => 'Test de verificare – Modulul 1',
                'completion' => 2, 'completionusegrade' => 1, 'completionpassgrade' => 1,
                'options' => [
                    ['name' => 'attempts', 'value' => '0'], ['name' => 'grade', 'value' => '10'],
                    ['name' => 'gradepass', 'value' => '6'], ['name' => 'timelimit', 'value' => '0'],
                    ['name' => 'shuffleanswers', 'value' => '1'],
                    ['name' => 'preferredbehaviour', 'value' => 'deferredfeedback'],
                    ['name' => 'navmethod', 'value' => 'free'], ['name' => 'reviewfeedback', 'value' => '1'],
                ],
            ]),
            $this->activity('coop:test:feedback', 'feedback', [
                'name' => 'Chestionar de satisfacție', 'section' => 3,
                'completion' => 2,
                'options' => [['name' => 'items', 'value' => $items], ['name' => 'completionsubmit', 'value' => '1']],
            ]),
            $this->activity('coop:test:resource', 'resource', [
                'options' => [['name' => 'draftitemid', 'value' => (string) $this->draft_file('Ghid')]],
            ]),
        ];
    }

    /**
     * Every activity type is created with its settings; a re-run is a no-op.
     */
    public function test_create_all_types_and_rerun(): void {
        global $DB;
        $items = $this->catalogue_items();
        $result = $this->call('save_activities', [$items]);
        $this->assertCount(7, $result['activities']);
        $this->assertSame(array_fill(0, 7, 'created'), array_column($result['activities'], 'action'));

        $page = $DB->get_record('page', ['id' => $result['activities'][0]['instance']]);
        $this->assertStringContainsString('ș ț', $page->content);
        $cm = $DB->get_record('course_modules', ['id' => $result['activities'][0]['cmid']]);
        $this->assertEquals('coop:test:m1:lesson', $cm->idnumber);
        $this->assertEquals(COMPLETION_TRACKING_AUTOMATIC, $cm->completion);
        $this->assertEquals(1, $cm->completionview);

        $quiz = $DB->get_record('quiz', ['id' => $result['activities'][4]['instance']]);
        $this->assertEquals(10, (float) $quiz->grade);
        $quizcm = $DB->get_record('course_modules', ['id' => $result['activities'][4]['cmid']]);
        $this->assertEquals(1, $quizcm->completionpassgrade);
        $this->assertEquals(0, $quizcm->completiongradeitemnumber);
        $gradeitem = \grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'quiz', 'iteminstance' => $quiz->id,
            'courseid' => $this->course->id]);
        $this->assertEquals(6, (float) $gradeitem->gradepass);

        $feedbackitems = $DB->get_records('feedback_item', ['feedback' => $result['activities'][5]['instance']],
            'position');
        $this->assertSame(['multichoicerated', 'textarea'], array_values(array_column($feedbackitems, 'typ')));

        $context = \context_module::instance($result['activities'][6]['cmid']);
        $files = get_file_storage()->get_area_files($context->id, 'mod_resource', 'content', 0, 'id', false);
        $this->assertCount(1, $files);

        // Re-run with a fresh draft of the same file: nothing changes.
        $items[6]['options'][0]['value'] = (string) $this->draft_file('Ghid');
        $logcount = $DB->count_records('logstore_standard_log');
        $again = $this->call('save_activities', [$items]);
        $this->assertSame(array_fill(0, 7, 'unchanged'), array_column($again['activities'], 'action'));
        $this->assertSame(array_column($result['activities'], 'cmid'), array_column($again['activities'], 'cmid'));
        $this->assertEquals($logcount, $DB->count_records('logstore_standard_log'));

        // Describe: managed, spechash returned, no drift, options readable.
        $described = $this->described_activity('coop:test:m1:quiz');
        $this->assertTrue($described['managed']);
        $this->assertSame('spec-coop:test:m1:quiz', $described['spechash']);
        $this->assertFalse($described['drift']);
        $options = array_column($described['options'], 'value', 'name');
        $this->assertSame('6', $options['gradepass']);
        $this->assertSame('1', $options['reviewfeedback']);
        $this->assertSame('free', $options['navmethod']);
        $feedback = array_column($this->described_activity('coop:test:feedback')['options'], 'value', 'name');
        $this->assertSame('[{"type":"rating","label":"f1","text":"Cât de utile vi s-au părut lecțiile?"},'
            . '{"type":"text","label":"f2","text":"Ce ați schimba?"}]', $feedback['items']);
    }

    /**
     * Changed settings are applied in place (same course module), and a change made in Moodle shows as drift.
     */
    public function test_update_and_drift(): void {
        global $DB;
        $items = $this->catalogue_items();
        $created = $this->call('save_activities', [$items]);

        $items[0]['name'] = 'Lecția 1 (revizuită)';
        $items[0]['section'] = 2;
        $items[0]['options'] = [['name' => 'content', 'value' => '<p>Conținut nou</p>']];
        $items[4]['options'] = [['name' => 'grade', 'value' => '20'], ['name' => 'gradepass', 'value' => '14'],
            ['name' => 'navmethod', 'value' => 'seq'], ['name' => 'reviewfeedback', 'value' => '0']];
        $items[5]['options'] = [['name' => 'items', 'value' => json_encode([
            ['type' => 'rating', 'label' => 'f1', 'text' => 'Cât de clare au fost lecțiile?', 'required' => true],
        ], JSON_UNESCAPED_UNICODE)]];
        $items[6]['options'] = [['name' => 'draftitemid', 'value' => (string) $this->draft_file('Ghid v2')]];
        $result = $this->call('save_activities', [$items]);
        $this->assertSame(['updated', 'unchanged', 'unchanged', 'unchanged', 'updated', 'updated', 'updated'],
            array_column($result['activities'], 'action'));
        $this->assertSame(array_column($created['activities'], 'cmid'), array_column($result['activities'], 'cmid'));

        $page = $DB->get_record('page', ['id' => $result['activities'][0]['instance']]);
        $this->assertSame('Lecția 1 (revizuită)', $page->name);
        $this->assertSame('<p>Conținut nou</p>', $page->content);
        $modinfo = get_fast_modinfo($this->course->id);
        $this->assertEquals(2, $modinfo->get_cm($result['activities'][0]['cmid'])->sectionnum);

        $quiz = $DB->get_record('quiz', ['id' => $result['activities'][4]['instance']]);
        $this->assertEquals(20, (float) $quiz->grade);
        $this->assertSame('sequential', $quiz->navmethod);
        $this->assertEquals(0, $quiz->reviewspecificfeedback);
        $this->assertEquals(1, $DB->count_records('feedback_item', ['feedback' => $result['activities'][5]['instance']]));
        // Describe: "required" only when set, as the client writes it.
        $feedback = array_column($this->described_activity('coop:test:feedback')['options'], 'value', 'name');
        $this->assertSame('[{"type":"rating","label":"f1","text":"Cât de clare au fost lecțiile?","required":true}]',
            $feedback['items']);
        $context = \context_module::instance($result['activities'][6]['cmid']);
        $file = array_values(get_file_storage()->get_area_files($context->id, 'mod_resource', 'content', 0, 'id',
            false))[0];
        $this->assertSame('Ghid v2', $file->get_content());

        // A change made in Moodle is drift; saving again repairs it.
        $DB->set_field('page', 'content', '<p>Editat manual</p>', ['id' => $result['activities'][0]['instance']]);
        $this->assertTrue($this->described_activity('coop:test:m1:lesson')['drift']);
        $repair = $this->call('save_activities', [[$items[0]]]);
        $this->assertSame('updated', $repair['activities'][0]['action']);
        $this->assertFalse($this->described_activity('coop:test:m1:lesson')['drift']);
    }

    /**
     * reviewfeedback 'closed' (a final exam with several attempts): feedback and right answers only after the quiz
     * closes, so attempt 1's review does not hand over attempt 2's answers; read back as 'closed'; '1' again shows
     * the feedback at every time and leaves the right answers alone.
     */
    public function test_review_closed_hides_answers_until_the_quiz_closes(): void {
        global $DB;
        $items = $this->catalogue_items();
        $items[4]['options'] = array_values(array_filter($items[4]['options'],
            fn($o) => $o['name'] !== 'reviewfeedback'));
        $items[4]['options'][] = ['name' => 'reviewfeedback', 'value' => 'closed'];
        $created = $this->call('save_activities', [$items]);
        $quiz = $DB->get_record('quiz', ['id' => $created['activities'][4]['instance']]);
        $closed = \mod_quiz\question\display_options::AFTER_CLOSE;
        foreach (['reviewspecificfeedback', 'reviewgeneralfeedback', 'reviewrightanswer'] as $field) {
            $this->assertSame($closed, (int) $quiz->$field, $field);
        }
        $this->assertNotEquals(0, (int) $quiz->reviewmarks); // The grade itself stays visible.
        $options = array_column($this->described_activity('coop:test:m1:quiz')['options'], 'value', 'name');
        $this->assertSame('closed', $options['reviewfeedback']);
        $again = $this->call('save_activities', [[$items[4]]]);
        $this->assertSame('unchanged', $again['activities'][0]['action']);

        $items[4]['options'] = array_values(array_filter($items[4]['options'],
            fn($o) => $o['name'] !== 'reviewfeedback'));
        $items[4]['options'][] = ['name' => 'reviewfeedback', 'value' => '1'];
        $this->call('save_activities', [[$items[4]]]);
        $quiz = $DB->get_record('quiz', ['id' => $created['activities'][4]['instance']]);
        $this->assertSame(0x11110, (int) $quiz->reviewspecificfeedback);
        $this->assertSame($closed, (int) $quiz->reviewrightanswer);
    }

    /**
     * A content-only update (name, intro, page content) keeps every user's activity completion and the course
     * completion it counts towards; only a change of the completion settings resets them, as in Moodle's form.
     */
    public function test_content_update_keeps_completion(): void {
        global $DB;
        $manual = $this->activity('coop:test:manual', 'page', ['completion' => COMPLETION_TRACKING_MANUAL,
            'options' => [['name' => 'content', 'value' => '<p>Text</p>']]]);
        $viewed = $this->activity('coop:test:viewed', 'page', ['completion' => COMPLETION_TRACKING_AUTOMATIC,
            'completionview' => 1]);
        $created = $this->call('save_activities', [[$manual, $viewed]]);
        $this->call('set_completion', [[['courseid' => $this->course->id,
            'activities' => ['coop:test:manual', 'coop:test:viewed']]]]);
        $course = $DB->get_record('course', ['id' => $this->course->id]);
        $student = $this->getDataGenerator()->create_and_enrol($course, 'student');
        $completion = new \completion_info($course);
        $modinfo = get_fast_modinfo($course);
        $manualcm = $modinfo->get_cm($created['activities'][0]['cmid']);
        $viewedcm = $modinfo->get_cm($created['activities'][1]['cmid']);
        $completion->update_state($manualcm, COMPLETION_COMPLETE, $student->id);
        $completion->set_module_viewed($viewedcm, $student->id);
        $ccompletion = new \completion_completion(['userid' => $student->id, 'course' => $course->id]);
        $ccompletion->mark_complete();
        $state = fn(int $cmid) => (int) $DB->get_field('course_modules_completion', 'completionstate',
            ['coursemoduleid' => $cmid, 'userid' => $student->id]);
        $coursecompleted = fn() => (bool) $DB->get_field('course_completions', 'timecompleted',
            ['course' => $course->id, 'userid' => $student->id]);
        $this->assertSame(COMPLETION_COMPLETE, $state($manualcm->id));
        $this->assertSame(COMPLETION_COMPLETE, $state($viewedcm->id));
        $this->assertTrue($coursecompleted());

        // A typo fixed in the names, a new intro and page content: completion data untouched.
        $manual['name'] = 'Lecția 1 (corectată)';
        $manual['intro'] = '<p>Descriere corectată</p>';
        $manual['options'] = [['name' => 'content', 'value' => '<p>Text corectat</p>']];
        $viewed['name'] = 'Lecția 2 (corectată)';
        $viewed['visible'] = 0;
        $result = $this->call('save_activities', [[$manual, $viewed]]);
        $this->assertSame(['updated', 'updated'], array_column($result['activities'], 'action'));
        $this->assertSame('Lecția 1 (corectată)', $DB->get_field('page', 'name',
            ['id' => $result['activities'][0]['instance']]));
        $this->assertSame(COMPLETION_COMPLETE, $state($manualcm->id));
        $this->assertSame(COMPLETION_COMPLETE, $state($viewedcm->id));
        $this->assertTrue($coursecompleted());
        $this->assertFalse($this->described_activity('coop:test:manual')['drift']);

        // Changing the completion settings resets them (Moodle's reset_all_state): the manual tick is gone, and
        // so is the course completion the activity counted towards.
        $manual['completion'] = COMPLETION_TRACKING_AUTOMATIC;
        $manual['completionview'] = 1;
        $result = $this->call('save_activities', [[$manual]]);
        $this->assertSame('updated', $result['activities'][0]['action']);
        $this->assertEquals(1, $DB->get_field('course_modules', 'completionview', ['id' => $manualcm->id]));
        $this->assertNotSame(COMPLETION_COMPLETE, $state($manualcm->id));
        $this->assertFalse($coursecompleted());
        $this->assertSame(COMPLETION_COMPLETE, $state($viewedcm->id));
    }

    /**
     * Bad input is refused with the item's idnumber in debuginfo, and nothing of the call is kept.
     */
    public function test_bad_input(): void {
        global $DB;
        $before = $DB->count_records('course_modules', ['course' => $this->course->id]);
        $cases = [
            'unknown option' => [$this->activity('coop:test:bad', 'page', [
                'options' => [['name' => 'colour', 'value' => 'red']]]), "unknown option 'colour'"],
            'bad modname' => [$this->activity('coop:test:bad', 'assign'), "unsupported modname 'assign'"],
            'url without address' => [$this->activity('coop:test:bad', 'url'), "'externalurl' is required"],
            'rule without automatic' => [$this->activity('coop:test:bad', 'page', ['completionview' => 1]),
                'completion = 2'],
            'pass grade without gradepass' => [$this->activity('coop:test:bad', 'quiz', [
                'completion' => 2, 'completionusegrade' => 1, 'completionpassgrade' => 1]), 'gradepass above 0'],
            'bad feedback items' => [$this->activity('coop:test:bad', 'feedback', [
                'options' => [['name' => 'items', 'value' => '[{"type":"stars","label":"a","text":"b"}]']]]),
                "type must be 'rating', 'text' or 'choice'"],
            'choice without choices' => [$this->activity('coop:test:bad', 'feedback', [
                'options' => [['name' => 'items', 'value' => '[{"type":"choice","label":"a","text":"b"}]']]]),
                'choices must be a list'],
            'choice with a bar' => [$this->activity('coop:test:bad', 'feedback', [
                'options' => [['name' => 'items',
                    'value' => '[{"type":"choice","label":"a","text":"b","choices":["x|y","z"]}]']]]),
                "without '|'"],
            'empty name' => [$this->activity('coop:test:bad', 'page', ['name' => ' ']), 'name is empty'],
        ];
        foreach ($cases as $case => [$item, $message]) {
            try {
                // A good item first: it must be rolled back with the bad one.
                $this->call('save_activities', [[$this->activity('coop:test:good', 'page'), $item]]);
                $this->fail("{$case}: expected invalid_parameter_exception");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString("activity 'coop:test:bad'", $e->debuginfo, $case);
                $this->assertStringContainsString($message, $e->debuginfo, $case);
            }
            $this->assertEquals($before, $DB->count_records('course_modules', ['course' => $this->course->id]), $case);
        }

        // An existing activity cannot change type.
        $this->call('save_activities', [[$this->activity('coop:test:typed', 'page')]]);
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_activities', [[$this->activity('coop:test:typed', 'url', [
            'options' => [['name' => 'externalurl', 'value' => 'https://example.org/']]])]]);
    }

    /**
     * Availability: the final quiz opens after the module quiz, the survey after the final quiz (core_availability
     * completion conditions written as Moodle's form writes them); describe reads the idnumbers back; a restriction
     * edited in Moodle is drift and 'custom'; bad references are refused.
     */
    public function test_availability_after_completion(): void {
        global $DB, $CFG;
        $CFG->enableavailability = 1;
        $quizoptions = [['name' => 'gradepass', 'value' => '6'], ['name' => 'grade', 'value' => '10']];
        $items = [
            $this->activity('coop:test:m1:quiz', 'quiz', ['completion' => 2, 'completionusegrade' => 1,
                'completionpassgrade' => 1, 'options' => $quizoptions]),
            $this->activity('coop:test:final', 'quiz', ['completion' => 2, 'completionusegrade' => 1,
                'completionpassgrade' => 1, 'options' => array_merge($quizoptions,
                    [['name' => 'availability', 'value' => '["coop:test:m1:quiz"]']])]),
            $this->activity('coop:test:feedback', 'feedback', ['completion' => 2, 'options' => [
                ['name' => 'completionsubmit', 'value' => '1'],
                ['name' => 'availability', 'value' => '["coop:test:final"]']]]),
        ];
        $created = $this->call('save_activities', [$items]);
        [$m1, $final, $feedback] = array_column($created['activities'], 'cmid');

        $tree = json_decode($DB->get_field('course_modules', 'availability', ['id' => $final]), true);
        // The module quiz completes on a pass: the final waits for it as complete and passed (e = 2).
        $this->assertSame(['op' => '&', 'c' => [['type' => 'completion', 'cm' => (int) $m1,
            'e' => COMPLETION_COMPLETE_PASS]], 'showc' => [true]], $tree);
        $tree = json_decode($DB->get_field('course_modules', 'availability', ['id' => $feedback]), true);
        $this->assertSame((int) $final, $tree['c'][0]['cm']);
        $this->assertSame(COMPLETION_COMPLETE_PASS, $tree['c'][0]['e']);
        $this->assertNull($DB->get_field('course_modules', 'availability', ['id' => $m1]));

        $options = array_column($this->described_activity('coop:test:final')['options'], 'value', 'name');
        $this->assertSame('["coop:test:m1:quiz"]', $options['availability']);
        $options = array_column($this->described_activity('coop:test:m1:quiz')['options'], 'value', 'name');
        $this->assertSame('[]', $options['availability']);

        // A trainee cannot open the final quiz before completing the module quiz.
        $trainee = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $info = new \core_availability\info_module(get_fast_modinfo($this->course, $trainee->id)->get_cm($final));
        $information = '';
        $this->assertFalse($info->is_available($information, false, $trainee->id));

        // Failed, or only marked complete by hand: still closed; passed: open.
        $completion = new \completion_info($this->course);
        $m1cm = get_coursemodule_from_id('quiz', $m1, 0, false, MUST_EXIST);
        foreach ([COMPLETION_COMPLETE_FAIL => false, COMPLETION_COMPLETE => false, COMPLETION_COMPLETE_PASS => true]
                as $state => $open) {
            $completion->internal_set_data($m1cm, (object) ['id' => 0, 'coursemoduleid' => $m1,
                'userid' => $trainee->id, 'completionstate' => $state, 'viewed' => 0, 'overrideby' => null,
                'timemodified' => time()]);
            $info = new \core_availability\info_module(get_fast_modinfo($this->course, $trainee->id)->get_cm($final));
            $this->assertSame($open, $info->is_available($information, false, $trainee->id), "state {$state}");
        }

        // Re-run: unchanged.
        $rerun = $this->call('save_activities', [$items]);
        $this->assertSame(['unchanged', 'unchanged', 'unchanged'], array_column($rerun['activities'], 'action'));

        // Edited in Moodle (a group condition instead, which the plugin never writes): drift, read as 'custom';
        // saving again puts it back.
        $DB->set_field('course_modules', 'availability', json_encode(['op' => '&', 'c' => [
            ['type' => 'group', 'id' => 1]], 'showc' => [true]]), ['id' => $final]);
        rebuild_course_cache($this->course->id, true);
        $described = $this->described_activity('coop:test:final');
        $this->assertTrue($described['drift']);
        $this->assertSame('custom', array_column($described['options'], 'value', 'name')['availability']);
        $repair = $this->call('save_activities', [[$items[1]]]);
        $this->assertSame('updated', $repair['activities'][0]['action']);
        $this->assertFalse($this->described_activity('coop:test:final')['drift']);

        // Waited for as merely complete (plugin versions before 2026120450) although the quiz completes on a pass:
        // drift; saving again asks for the pass.
        $DB->set_field('course_modules', 'availability', json_encode(['op' => '&', 'c' => [
            ['type' => 'completion', 'cm' => (int) $m1, 'e' => COMPLETION_COMPLETE]], 'showc' => [true]]),
            ['id' => $final]);
        rebuild_course_cache($this->course->id, true);
        $this->assertSame('custom', array_column($this->described_activity('coop:test:final')['options'], 'value',
            'name')['availability']);
        $this->assertSame('updated', $this->call('save_activities', [[$items[1]]])['activities'][0]['action']);
        $tree = json_decode($DB->get_field('course_modules', 'availability', ['id' => $final]), true);
        $this->assertSame(COMPLETION_COMPLETE_PASS, $tree['c'][0]['e']);

        // An activity that completes on view is waited for as complete (e = 1).
        $page = $this->activity('coop:test:m1:lesson', 'page', ['completion' => 2, 'completionview' => 1,
            'options' => [['name' => 'content', 'value' => '<p>Lecția</p>']]]);
        $after = $items[2];
        $after['options'][1]['value'] = '["coop:test:m1:lesson"]';
        $this->call('save_activities', [[$page, $after]]);
        $tree = json_decode($DB->get_field('course_modules', 'availability', ['id' => $feedback]), true);
        $this->assertSame(COMPLETION_COMPLETE, $tree['c'][0]['e']);
        $this->assertSame('["coop:test:m1:lesson"]', array_column(
            $this->described_activity('coop:test:feedback')['options'], 'value', 'name')['availability']);

        // No restriction: [] removes it.
        $items[2]['options'][1]['value'] = '[]';
        $this->call('save_activities', [[$items[2]]]);
        $this->assertNull($DB->get_field('course_modules', 'availability', ['id' => $feedback]));

        $cases = [
            'unknown activity' => ['["coop:test:missing"]', "needs activity 'coop:test:missing'"],
            'itself' => ['["coop:test:final"]', 'its own completion'],
            'not a list' => ['{"a":1}', 'JSON list'],
            'twice' => ['["coop:test:m1:quiz","coop:test:m1:quiz"]', 'twice'],
        ];
        foreach ($cases as $case => [$value, $message]) {
            $item = $items[1];
            $item['options'][2]['value'] = $value;
            try {
                $this->call('save_activities', [[$item]]);
                $this->fail("{$case}: expected invalid_parameter_exception");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo, $case);
            }
        }
    }

    /**
     * A news forum takes over the course's own news forum (Announcements) instead of adding a second one.
     */
    public function test_news_forum_is_adopted(): void {
        global $DB;
        $news = forum_get_course_forum($this->course->id, 'news');
        $item = $this->activity('coop:test:news', 'forum', ['section' => 0, 'name' => 'Anunțuri',
            'intro' => '<p>Anunțurile formatorilor.</p>', 'options' => [['name' => 'type', 'value' => 'news']]]);
        $result = $this->call('save_activities', [[$item]]);
        $this->assertSame('updated', $result['activities'][0]['action']);
        $this->assertEquals($news->id, $result['activities'][0]['instance']);
        $this->assertEquals(1, $DB->count_records('forum', ['course' => $this->course->id, 'type' => 'news']));
        $this->assertSame('Anunțuri', $DB->get_field('forum', 'name', ['id' => $news->id]));
        $rerun = $this->call('save_activities', [[$item]]);
        $this->assertSame('unchanged', $rerun['activities'][0]['action']);
    }

    /**
     * Completion rules need completion enabled in the course.
     */
    public function test_completion_disabled_in_course(): void {
        $course = $this->getDataGenerator()->create_course(['enablecompletion' => 0]);
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_activities', [[$this->activity('coop:x:page', 'page', [
            'courseid' => $course->id, 'completion' => 2, 'completionview' => 1])]]);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_activities', [[$this->activity('coop:test:page', 'page')]]);
    }

    /**
     * A "choice" item is an unrated multiple choice with radio buttons, read back as it was sent.
     *
     * @return void
     */
    public function test_choice_items_are_radio_multiple_choices(): void {
        global $DB;
        $items = '[{"type":"choice","label":"expeditor","text":"Cine trimite?",'
            . '"choices":["cetățean","ONG","autoritate","altul"],"required":true},'
            . '{"type":"text","label":"propunere","text":"Propunerea"}]';
        $result = $this->call('save_activities', [[$this->activity('coop:test:form', 'feedback', [
            'options' => [['name' => 'items', 'value' => $items]]])]]);
        $records = array_values($DB->get_records('feedback_item',
            ['feedback' => $result['activities'][0]['instance']], 'position'));
        $this->assertSame(['multichoice', 'textarea'], array_column($records, 'typ'));
        $this->assertSame('r>>>>>cetățean|ONG|autoritate|altul', $records[0]->presentation);
        $this->assertEquals(1, $records[0]->required);
        $options = array_column($this->described_activity('coop:test:form')['options'], 'value', 'name');
        $this->assertSame($items, $options['items']);
        // Saving the same items again changes nothing; a new choice updates the item in place.
        $again = $this->call('save_activities', [[$this->activity('coop:test:form', 'feedback', [
            'options' => [['name' => 'items', 'value' => str_replace('"altul"', '"altul","nu spun"', $items)]]])]]);
        $after = array_values($DB->get_records('feedback_item', ['feedback' => $again['activities'][0]['instance']],
            'position'));
        $this->assertSame($records[0]->id, $after[0]->id);
        $this->assertSame('r>>>>>cetățean|ONG|autoritate|altul|nu spun', $after[0]->presentation);
    }

    /**
     * gradeweight: the module tests weigh 0 and the final evaluation 1 in the course total (walk finding 8: a trainee
     * who failed the final read a course total of 89 %), read back while overridden, a re-run is a no-op, '' gives the
     * weight back to Moodle, and a weight outside 0..1 is refused.
     */
    public function test_grade_weights_make_the_course_total_follow_the_final(): void {
        global $CFG, $DB;
        require_once($CFG->libdir . '/gradelib.php');
        $items = $this->catalogue_items();
        $module = $items[4];
        $module['options'][] = ['name' => 'gradeweight', 'value' => '0'];
        $final = $items[4];
        $final['idnumber'] = 'coop:test:final:quiz';
        $final['name'] = 'Evaluare finală';
        $final['options'][] = ['name' => 'gradeweight', 'value' => '1'];
        $created = $this->call('save_activities', [[$module, $final]]);
        $this->assertSame(['created', 'created'], array_column($created['activities'], 'action'));
        $gradeitem = fn(int $i) => \grade_item::fetch(['itemtype' => 'mod', 'itemmodule' => 'quiz',
            'iteminstance' => $created['activities'][$i]['instance'], 'courseid' => $this->course->id]);
        $this->assertEquals([1, 0.0], [(int) $gradeitem(0)->weightoverride, (float) $gradeitem(0)->aggregationcoef2]);
        $this->assertEquals([1, 1.0], [(int) $gradeitem(1)->weightoverride, (float) $gradeitem(1)->aggregationcoef2]);
        $options = array_column($this->described_activity('coop:test:final:quiz')['options'], 'value', 'name');
        $this->assertSame('1', $options['gradeweight']);
        $this->assertFalse($this->described_activity('coop:test:final:quiz')['drift']);
        $again = $this->call('save_activities', [[$module, $final]]);
        $this->assertSame(['unchanged', 'unchanged'], array_column($again['activities'], 'action'));

        // A trainee with 10/10 in the module test and 3/10 in the final: the course total is 30 %, not 65 %.
        $trainee = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $gradeitem(0)->update_final_grade($trainee->id, 10, 'test');
        $gradeitem(1)->update_final_grade($trainee->id, 3, 'test');
        grade_regrade_final_grades($this->course->id);
        $courseitem = \grade_item::fetch_course_item($this->course->id);
        $total = \grade_grade::fetch(['itemid' => $courseitem->id, 'userid' => $trainee->id]);
        $this->assertEqualsWithDelta(0.3, (float) $total->finalgrade / (float) $courseitem->grademax, 0.0001);

        $final['options'] = array_values(array_filter($final['options'], fn($o) => $o['name'] !== 'gradeweight'));
        $final['options'][] = ['name' => 'gradeweight', 'value' => ''];
        $back = $this->call('save_activities', [[$final]]);
        $this->assertSame('updated', $back['activities'][0]['action']);
        $this->assertSame(0, (int) $gradeitem(1)->weightoverride);
        $options = array_column($this->described_activity('coop:test:final:quiz')['options'], 'value', 'name');
        $this->assertArrayNotHasKey('gradeweight', $options);
        $this->assertSame('unchanged', $this->call('save_activities', [[$final]])['activities'][0]['action']);

        $final['options'][count($final['options']) - 1]['value'] = '1.5';
        $this->expectException(\invalid_parameter_exception::class);
        $this->expectExceptionMessageMatches('/gradeweight/');
        $this->call('save_activities', [[$final]]);
    }

    /**
     * availability with dates (0.6.1): a registration link open from 'from' until 'until' (exclusive), as Moodle's
     * "Restrict access" by date writes it; read back in the same form, a re-run is a no-op, the plain list form still
     * works, '[]' lifts the restriction, and dates the wrong way round are refused.
     */
    public function test_a_link_restricted_to_dates(): void {
        global $DB;
        $from = 1780000000;
        $until = 1781000000;
        $link = $this->activity('coop:test:form', 'url', ['options' => [
            ['name' => 'externalurl', 'value' => 'https://forms.example.ro/inscriere'],
            ['name' => 'availability', 'value' => json_encode(['from' => $from, 'until' => $until])]]]);
        $created = $this->call('save_activities', [[$link]]);
        $cm = $DB->get_record('course_modules', ['id' => $created['activities'][0]['cmid']]);
        $tree = json_decode($cm->availability, true);
        $this->assertSame([['type' => 'date', 'd' => '>=', 't' => $from], ['type' => 'date', 'd' => '<', 't' => $until]],
            $tree['c']);
        $info = new \core_availability\info_module(get_fast_modinfo($this->course)->get_cm($cm->id));
        $shown = \core_availability\info::format_info($info->get_full_information(), $this->course);
        $this->assertStringContainsString('2026', $shown); // The course page shows the dates.
        $options = array_column($this->described_activity('coop:test:form')['options'], 'value', 'name');
        $this->assertSame(json_encode(['from' => $from, 'until' => $until]), $options['availability']);
        $this->assertFalse($this->described_activity('coop:test:form')['drift']);
        $this->assertSame('unchanged', $this->call('save_activities', [[$link]])['activities'][0]['action']);

        $plain = $this->activity('coop:test:plain', 'url', ['options' => [
            ['name' => 'externalurl', 'value' => 'https://www.ghiseul.ro/']]]);
        $this->call('save_activities', [[$plain]]);
        $options = array_column($this->described_activity('coop:test:plain')['options'], 'value', 'name');
        $this->assertArrayNotHasKey('availability', $options); // No restriction, nothing read back.

        $link['options'][1]['value'] = '[]';
        $this->assertSame('updated', $this->call('save_activities', [[$link]])['activities'][0]['action']);
        $this->assertEmpty($DB->get_field('course_modules', 'availability', ['id' => $cm->id]));
        $this->assertSame('unchanged', $this->call('save_activities', [[$link]])['activities'][0]['action']);

        $link['options'][1]['value'] = json_encode(['from' => $until, 'until' => $from]);
        $this->expectException(\invalid_parameter_exception::class);
        $this->expectExceptionMessageMatches('/availability/');
        $this->call('save_activities', [[$link]]);
    }
}
