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

use core_external\external_api;

defined('MOODLE_INTERNAL') || die();

/**
 * Shared set-up and helpers of the local_cooperare web service tests.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
abstract class testcase extends \advanced_testcase {
    /** @var \stdClass A course with completion tracking and 3 sections. */
    protected $course;

    /**
     * Reset after each test, log in as admin, create a course.
     */
    protected function setUp(): void {
        global $CFG;
        parent::setUp();
        $this->resetAfterTest();
        // The functions roll back their own transaction on error; on PostgreSQL a test otherwise runs inside an
        // outer transaction, where a nested rollback only takes effect at the end of the test.
        $this->preventResetByRollback();
        $CFG->enablecompletion = 1;
        $this->setAdminUser();
        $this->course = $this->getDataGenerator()->create_course(
            ['idnumber' => 'coop:course:test', 'enablecompletion' => 1, 'numsections' => 3, 'format' => 'topics']);
    }

    /**
     * Call an external function as the web service layer does: validate, execute, clean the return value.
     *
     * @param string $class short class name in local_cooperare\external
     * @param array $args arguments of execute()
     * @return array the cleaned return value
     */
    protected function call(string $class, array $args): array {
        $classname = 'local_cooperare\\external\\' . $class;
        $result = $classname::execute(...$args);
        return external_api::clean_returnvalue($classname::execute_returns(), $result);
    }

    /**
     * A user who is an editing teacher in the course: may manage activities but lacks local/cooperare:provision.
     *
     * @return \stdClass
     */
    protected function teacher(): \stdClass {
        $user = $this->getDataGenerator()->create_user();
        $this->getDataGenerator()->enrol_user($user->id, $this->course->id, 'editingteacher');
        return $user;
    }

    /**
     * An activity item of save_activities with defaults.
     *
     * @param string $idnumber
     * @param string $modname
     * @param array $fields overrides
     * @return array
     */
    protected function activity(string $idnumber, string $modname, array $fields = []): array {
        return $fields + [
            'courseid' => $this->course->id,
            'idnumber' => $idnumber,
            'modname' => $modname,
            'section' => 1,
            'name' => 'Activitate ' . $idnumber,
            'intro' => '<p>Descriere</p>',
            'visible' => 1,
            'completion' => 0,
            'completionview' => 0,
            'completionusegrade' => 0,
            'completionpassgrade' => 0,
            'options' => [],
            'spechash' => 'spec-' . $idnumber,
        ];
    }

    /**
     * Create a quiz through save_activities.
     *
     * @param string $idnumber
     * @return int cmid
     */
    protected function create_quiz(string $idnumber = 'coop:test:quiz'): int {
        $result = $this->call('save_activities', [[$this->activity($idnumber, 'quiz', [
            'options' => [
                ['name' => 'grade', 'value' => '10'],
                ['name' => 'gradepass', 'value' => '6'],
                ['name' => 'questionsperpage', 'value' => '1'],
                ['name' => 'reviewfeedback', 'value' => '1'],
            ],
        ])]]);
        return $result['activities'][0]['cmid'];
    }

    /**
     * Moodle XML of a single-answer multiple choice question with feedback on every answer.
     *
     * @param string $idnumber
     * @param string $text
     * @return string
     */
    protected function multichoice_xml(string $idnumber, string $text = 'Care este capitala României?'): string {
        return '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
            . '<name><text>' . s($idnumber) . '</text></name>'
            . '<questiontext format="html"><text><![CDATA[<p>' . $text . '</p>]]></text></questiontext>'
            . '<generalfeedback format="html"><text></text></generalfeedback>'
            . '<defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>'
            . '<idnumber>' . s($idnumber) . '</idnumber>'
            . '<single>true</single><shuffleanswers>true</shuffleanswers><answernumbering>abc</answernumbering>'
            . '<correctfeedback format="html"><text>Corect.</text></correctfeedback>'
            . '<partiallycorrectfeedback format="html"><text>Parțial corect.</text></partiallycorrectfeedback>'
            . '<incorrectfeedback format="html"><text>Greșit.</text></incorrectfeedback>'
            . '<answer fraction="100" format="html"><text>București</text>'
            . '<feedback format="html"><text>Corect: București.</text></feedback></answer>'
            . '<answer fraction="0" format="html"><text>Cluj-Napoca</text>'
            . '<feedback format="html"><text>Nu: Cluj-Napoca nu este capitala.</text></feedback></answer>'
            . '<answer fraction="0" format="html"><text>Iași</text>'
            . '<feedback format="html"><text>Nu: Iași nu este capitala.</text></feedback></answer>'
            . '</question></quiz>';
    }

    /**
     * Moodle XML of a true/false question with feedback for both answers.
     *
     * @param string $idnumber
     * @return string
     */
    protected function truefalse_xml(string $idnumber): string {
        return '<quiz><question type="truefalse">'
            . '<name><text>' . s($idnumber) . '</text></name>'
            . '<questiontext format="html"><text>Ghișeul.ro permite plata taxelor locale.</text></questiontext>'
            . '<defaultgrade>1</defaultgrade><idnumber>' . s($idnumber) . '</idnumber>'
            . '<answer fraction="100" format="moodle_auto_format"><text>true</text>'
            . '<feedback format="html"><text>Corect.</text></feedback></answer>'
            . '<answer fraction="0" format="moodle_auto_format"><text>false</text>'
            . '<feedback format="html"><text>Ba da, se poate.</text></feedback></answer>'
            . '</question></quiz>';
    }

    /**
     * Moodle XML of a short answer question with feedback for the right and every other answer.
     *
     * @param string $idnumber
     * @return string
     */
    protected function shortanswer_xml(string $idnumber): string {
        return '<quiz><question type="shortanswer">'
            . '<name><text>' . s($idnumber) . '</text></name>'
            . '<questiontext format="html"><text>Scrieți adresa portalului de plăți.</text></questiontext>'
            . '<defaultgrade>1</defaultgrade><idnumber>' . s($idnumber) . '</idnumber><usecase>0</usecase>'
            . '<answer fraction="100" format="moodle_auto_format"><text>ghiseul.ro</text>'
            . '<feedback format="html"><text>Corect.</text></feedback></answer>'
            . '<answer fraction="0" format="moodle_auto_format"><text>*</text>'
            . '<feedback format="html"><text>Răspunsul corect este ghiseul.ro.</text></feedback></answer>'
            . '</question></quiz>';
    }

    /**
     * Moodle XML of a matching question with three pairs and combined feedback.
     *
     * @param string $idnumber
     * @return string
     */
    protected function matching_xml(string $idnumber): string {
        $pairs = ['Primar' => 'Executiv', 'Consiliul local' => 'Deliberativ', 'Secretarul general' => 'Legalitate'];
        $xml = '<quiz><question type="matching">'
            . '<name><text>' . s($idnumber) . '</text></name>'
            . '<questiontext format="html"><text>Asociați fiecare funcție cu rolul ei.</text></questiontext>'
            . '<defaultgrade>1</defaultgrade><idnumber>' . s($idnumber) . '</idnumber>'
            . '<shuffleanswers>true</shuffleanswers>'
            . '<correctfeedback format="html"><text>Toate corecte.</text></correctfeedback>'
            . '<partiallycorrectfeedback format="html"><text>Unele corecte.</text></partiallycorrectfeedback>'
            . '<incorrectfeedback format="html"><text>Niciuna corectă.</text></incorrectfeedback>';
        foreach ($pairs as $question => $answer) {
            $xml .= '<subquestion format="html"><text>' . $question . '</text><answer><text>' . $answer
                . '</text></answer></subquestion>';
        }
        return $xml . '</question></quiz>';
    }

    /**
     * The activity with this idnumber in the test course, from describe_courses.
     *
     * @param string $idnumber
     * @return array|null
     */
    protected function described_activity(string $idnumber): ?array {
        $result = $this->call('describe_courses', [[$this->course->idnumber]]);
        foreach ($result['courses'][0]['activities'] as $activity) {
            if ($activity['idnumber'] === $idnumber) {
                return $activity;
            }
        }
        return null;
    }
}
